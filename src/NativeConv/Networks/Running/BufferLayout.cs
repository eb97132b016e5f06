namespace NativeConv;

/// <summary>
/// Where every value of a network lives for one input shape: a value takes a free buffer when it is made and gives
/// it back after its last reader, so a chain ping-pongs between two buffers and a residual keeps a third alive only
/// while it is needed. Elementwise operations write over an input that dies with them. A buffer's length is the
/// largest value it ever holds.
/// </summary>
/// <param name="Storage">Per value, a buffer index or a <see cref="ValueStorage"/> constant.</param>
/// <param name="BufferLengths">Per buffer, its length in floats.</param>
internal sealed record BufferLayout(int[] Storage, int[] BufferLengths)
{
    /// <param name="inputIsCallers">Value 0 is read straight from the caller's buffer (same layout inside and out).</param>
    /// <param name="outputIsCallers">The network's output is written straight into the caller's buffer.</param>
    public static BufferLayout For(NetworkGraph graph, IReadOnlyList<TensorShape> shapes, bool inputIsCallers, bool outputIsCallers) =>
        For(graph.Ops, graph.ValueCount, graph.Output, shapes, inputIsCallers, outputIsCallers);

    /// <summary>The same for any operations over values 0 (the input) to <paramref name="valueCount"/> − 1, <paramref name="output"/> the result.</summary>
    public static BufferLayout For(IReadOnlyList<GraphOp> ops, int valueCount, int output, IReadOnlyList<TensorShape> shapes, bool inputIsCallers, bool outputIsCallers)
    {
        var lastUse = new int[valueCount];
        Array.Fill(lastUse, -1);
        for (int i = 0; i < ops.Count; i++)
            foreach (int v in ops[i].Inputs)
                lastUse[v] = i;

        var storage = new int[valueCount];
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

        storage[NetworkGraph.Input] = inputIsCallers ? ValueStorage.CallerInput : Take(shapes[NetworkGraph.Input].Length);
        for (int i = 0; i < ops.Count; i++)
        {
            GraphOp op = ops[i];
            int inPlace = op.InPlaceInput;
            bool reused = false;
            if (op.Output == output && outputIsCallers) storage[op.Output] = ValueStorage.CallerOutput;
            else if (inPlace >= 0 && lastUse[inPlace] == i && storage[inPlace] >= 0)
            {
                storage[op.Output] = storage[inPlace]; // the input dies here: overwrite it
                reused = true;
            }
            else storage[op.Output] = Take(shapes[op.Output].Length);
            // Inputs read for the last time give their buffers back after the output took its own, so an operation
            // never writes into a buffer it reads, unless elementwise and in place.
            foreach (int v in op.Inputs.Distinct())
                if (lastUse[v] == i && storage[v] >= 0 && !(reused && v == inPlace)) free.Add(storage[v]);
        }
        return new BufferLayout(storage, lengths.ToArray());
    }

    /// <summary>
    /// The network's edges only, for a program that keeps its values itself (<see cref="IWholeNetwork"/>): the input and
    /// the output, each the caller's or a buffer of its own; every other value <see cref="ValueStorage.None"/>.
    /// </summary>
    public static BufferLayout Edges(NetworkGraph graph, IReadOnlyList<TensorShape> shapes, bool inputIsCallers, bool outputIsCallers)
    {
        var storage = new int[graph.ValueCount];
        Array.Fill(storage, ValueStorage.None);
        var lengths = new List<int>();
        storage[NetworkGraph.Input] = inputIsCallers ? ValueStorage.CallerInput : lengths.Count;
        if (!inputIsCallers) lengths.Add(shapes[NetworkGraph.Input].Length);
        storage[graph.Output] = outputIsCallers ? ValueStorage.CallerOutput : lengths.Count;
        if (!outputIsCallers) lengths.Add(shapes[graph.Output].Length);
        return new BufferLayout(storage, lengths.ToArray());
    }
}
