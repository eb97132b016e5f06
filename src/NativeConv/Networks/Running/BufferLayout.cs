namespace NativeConv;

/// <summary>
/// Where every value of a network lives for one input shape: a value takes a free buffer when it is made and gives
/// it back after its last reader, so a chain ping-pongs between two buffers and a residual keeps a third alive only
/// while it is needed. Elementwise operations write over an input that dies with them. A buffer's length is the
/// largest value it ever holds.
/// </summary>
/// <param name="Storage">Per value, a buffer index or a <see cref="ValueStorage"/> code.</param>
/// <param name="BufferLengths">Per buffer, its length in elements.</param>
internal sealed record BufferLayout(int[] Storage, int[] BufferLengths)
{
    /// <param name="inputIsCallers">Per graph input: read straight from the caller's buffer (same layout inside and out).</param>
    /// <param name="outputIsCallers">Per graph output: written straight into the caller's buffer.</param>
    public static BufferLayout For(NetworkGraph graph, IReadOnlyList<TensorShape> shapes, bool[] inputIsCallers, bool[] outputIsCallers) =>
        For(graph.Ops, graph.ValueCount, graph.InputValues, graph.OutputValues, shapes, inputIsCallers, outputIsCallers);

    /// <summary>The same for any operations over <paramref name="valueCount"/> values with these inputs and outputs.</summary>
    public static BufferLayout For(IReadOnlyList<GraphOp> ops, int valueCount, int[] inputs, int[] outputs, IReadOnlyList<TensorShape> shapes,
        bool[] inputIsCallers, bool[] outputIsCallers)
    {
        var lastUse = new int[valueCount];
        Array.Fill(lastUse, -1);
        for (int i = 0; i < ops.Count; i++)
            foreach (int v in ops[i].Inputs)
                lastUse[v] = i;
        var storage = new int[valueCount];
        Array.Fill(storage, ValueStorage.None);
        var lengths = new List<int>();
        var free = new List<int>();
        int Take(int length)
        {
            if (free.Count == 0)
            {
                lengths.Add(length);
                return lengths.Count - 1;
            }
            // The free buffer closest in size, so large buffers stay for large values.
            int buffer = free.OrderBy(b => Math.Abs((long)lengths[b] - length)).First();
            free.Remove(buffer);
            lengths[buffer] = Math.Max(lengths[buffer], length);
            return buffer;
        }

        for (int k = 0; k < inputs.Length; k++)
            storage[inputs[k]] = inputIsCallers[k] ? ValueStorage.CallerInput(k) : Take(shapes[inputs[k]].Length);
        for (int i = 0; i < ops.Count; i++)
        {
            GraphOp op = ops[i];
            int inPlace = op.InPlaceInput >= 0 ? op.Inputs[op.InPlaceInput] : -1;
            bool reused = false;
            foreach (int v in op.Outputs)
            {
                int k = Array.IndexOf(outputs, v);
                if (k >= 0 && outputIsCallers[k]) storage[v] = ValueStorage.CallerOutput(k);
                else if (!reused && inPlace >= 0 && lastUse[inPlace] == i && storage[inPlace] >= 0 && op.Inputs.Count(x => x == inPlace) == 1)
                {
                    storage[v] = storage[inPlace]; // the input dies here: overwrite it
                    reused = true;
                }
                else storage[v] = Take(shapes[v].Length);
            }
            // Inputs read for the last time give their buffers back after the outputs took theirs, so an operation never
            // writes into a buffer it reads, unless elementwise and in place.
            foreach (int v in op.Inputs.Distinct())
                if (lastUse[v] == i && storage[v] >= 0 && !(reused && v == inPlace) && Array.IndexOf(outputs, v) < 0) free.Add(storage[v]);
            // An output nothing reads after it is made (all of them, but those read by later operations) keeps its buffer.
        }
        return new BufferLayout(storage, lengths.ToArray());
    }

    /// <summary>
    /// The network's edges only, for a program that keeps its values itself (<see cref="IWholeNetwork"/>): each input and
    /// output the caller's or a buffer of its own; every other value <see cref="ValueStorage.None"/>.
    /// </summary>
    public static BufferLayout Edges(NetworkGraph graph, IReadOnlyList<TensorShape> shapes, bool[] inputIsCallers, bool[] outputIsCallers)
    {
        var storage = new int[graph.ValueCount];
        Array.Fill(storage, ValueStorage.None);
        var lengths = new List<int>();
        for (int k = 0; k < graph.InputValues.Length; k++)
        {
            storage[graph.InputValues[k]] = inputIsCallers[k] ? ValueStorage.CallerInput(k) : lengths.Count;
            if (!inputIsCallers[k]) lengths.Add(shapes[graph.InputValues[k]].Length);
        }
        for (int k = 0; k < graph.OutputValues.Length; k++)
        {
            storage[graph.OutputValues[k]] = outputIsCallers[k] ? ValueStorage.CallerOutput(k) : lengths.Count;
            if (!outputIsCallers[k]) lengths.Add(shapes[graph.OutputValues[k]].Length);
        }
        return new BufferLayout(storage, lengths.ToArray());
    }
}
