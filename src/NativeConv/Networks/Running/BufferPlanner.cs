namespace NativeConv;

/// <summary>
/// Assigns every value of a network to a buffer for one input shape, once: a value takes a free buffer
/// when it is made and gives it back after its last reader, so a chain ping-pongs between two buffers
/// and a residual keeps a third alive only while it is needed. Elementwise operations write over an
/// input that dies with them. A buffer's size is the largest value it ever holds.
/// </summary>
internal static class BufferPlanner
{
    /// <param name="inputIsCallers">Value 0 is read straight from the caller's buffer (same layout inside and out).</param>
    /// <param name="outputIsCallers">The last value is written straight into the caller's buffer.</param>
    /// <param name="inputLiveThrough">The input's buffer is kept at least until this operation is done (row bands read it while
    /// they write the value that operation makes, <see cref="RowBandsRun"/>); -1: until its last reader.</param>
    /// <returns>Per value its storage (a buffer index or <see cref="ValueStorage"/>), and per buffer its length.</returns>
    public static (int[] Storage, int[] BufferLengths) Assign(NetworkGraph graph, IReadOnlyList<TensorShape> shapes, bool inputIsCallers, bool outputIsCallers,
        int inputLiveThrough = -1) =>
        Assign(graph.Ops, graph.ValueCount, graph.Output, shapes, inputIsCallers, outputIsCallers, inputLiveThrough);

    /// <summary>
    /// Storage for the network's edges only, for a program that keeps its values itself (<see cref="IWholeNetwork"/>):
    /// the input and the output, each the caller's or a buffer of its own; every other value <see cref="ValueStorage.None"/>.
    /// </summary>
    public static (int[] Storage, int[] BufferLengths) AssignEdges(NetworkGraph graph, IReadOnlyList<TensorShape> shapes, bool inputIsCallers, bool outputIsCallers)
    {
        var storage = new int[graph.ValueCount];
        Array.Fill(storage, ValueStorage.None);
        var lengths = new List<int>();
        if (inputIsCallers) storage[NetworkGraph.Input] = ValueStorage.CallerInput;
        else
        {
            storage[NetworkGraph.Input] = lengths.Count;
            lengths.Add(shapes[NetworkGraph.Input].Length);
        }
        if (outputIsCallers) storage[graph.Output] = ValueStorage.CallerOutput;
        else
        {
            storage[graph.Output] = lengths.Count;
            lengths.Add(shapes[graph.Output].Length);
        }
        return (storage, lengths.ToArray());
    }

    /// <summary>The same for any operations over values 0 (the input) to <paramref name="valueCount"/> − 1, <paramref name="output"/> the result.</summary>
    public static (int[] Storage, int[] BufferLengths) Assign(IReadOnlyList<GraphOp> ops, int valueCount, int output, IReadOnlyList<TensorShape> shapes,
        bool inputIsCallers, bool outputIsCallers, int inputLiveThrough = -1)
    {
        var lastUse = new int[valueCount];
        Array.Fill(lastUse, -1);
        for (int i = 0; i < ops.Count; i++)
            foreach (int v in ops[i].Inputs)
                lastUse[v] = i;
        lastUse[NetworkGraph.Input] = Math.Max(lastUse[NetworkGraph.Input], inputLiveThrough);

        var storage = new int[valueCount];
        var lengths = new List<int>();
        var free = new List<int>();
        int Take(int length)
        {
            int buffer;
            if (free.Count > 0)
            {
                // The free buffer closest in size, so large buffers stay for large values.
                buffer = free.OrderBy(b => Math.Abs((long)lengths[b] - length)).First();
                free.Remove(buffer);
                lengths[buffer] = Math.Max(lengths[buffer], length);
            }
            else
            {
                buffer = lengths.Count;
                lengths.Add(length);
            }
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
            // Inputs read for the last time give their buffers back (after the output took its own,
            // so an operation never writes into a buffer it reads, unless elementwise and in place).
            foreach (int v in op.Inputs.Distinct())
                if (lastUse[v] == i && storage[v] >= 0 && !(reused && v == inPlace)) free.Add(storage[v]);
        }
        return (storage, lengths.ToArray());
    }
}
