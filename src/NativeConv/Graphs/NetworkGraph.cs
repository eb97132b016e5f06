using System.Security.Cryptography;
using System.Text;

namespace NativeConv;

/// <summary>
/// A network's operations over named values, checked and in an order that runs (made by
/// <see cref="GraphBuilder.Build"/>): every value's channel count is known, every input is read and every value is read
/// or is an output. Batch and spatial sizes are bound per call; <see cref="ConvNetwork"/> runs it on any backend.
/// </summary>
public sealed class NetworkGraph
{
    internal NetworkGraph(IReadOnlyList<GraphOp> ops, IReadOnlyList<int> channels, IReadOnlyList<string> valueNames,
        IReadOnlyList<int> inputValues, IReadOnlyList<int> outputValues, IReadOnlyList<string> outputNames)
    {
        Ops = ops;
        Channels = channels;
        ValueNames = valueNames;
        InputValues = inputValues.ToArray();
        OutputValues = outputValues.ToArray();
        Inputs = inputValues.Select(v => new GraphTensor(valueNames[v], channels[v])).ToArray();
        Outputs = outputValues.Select((v, k) => new GraphTensor(outputNames[k], channels[v])).ToArray();
    }

    /// <summary>The inputs, in the order a call passes them.</summary>
    public IReadOnlyList<GraphTensor> Inputs { get; }

    /// <summary>The outputs, in the order a call receives them.</summary>
    public IReadOnlyList<GraphTensor> Outputs { get; }

    /// <summary>Operations, before any fusion.</summary>
    public int OperationCount => Ops.Count;

    /// <summary>One line per operation, in the order they run: its name, what it computes, what it reads and makes.</summary>
    public IReadOnlyList<string> Describe() =>
        Ops.Select(op => $"{op.Name}: {op.Definition} ({string.Join(", ", op.Inputs.Select(v => ValueNames[v]))} -> {string.Join(", ", op.Outputs.Select(v => ValueNames[v]))})").ToArray();

    internal IReadOnlyList<GraphOp> Ops { get; }

    /// <summary>Channels of each value.</summary>
    internal IReadOnlyList<int> Channels { get; }

    internal IReadOnlyList<string> ValueNames { get; }

    internal int ValueCount => Channels.Count;

    /// <summary>The values the inputs are, in call order.</summary>
    internal int[] InputValues { get; }

    /// <summary>The values the outputs are, in call order.</summary>
    internal int[] OutputValues { get; }

    /// <summary>The first input's value (networks of one input: <see cref="ConvNetwork.Forward(ReadOnlySpan{float}, Span{float}, int, int, int)"/>).</summary>
    internal int Input => InputValues[0];

    /// <summary>The first output's value.</summary>
    internal int Output => OutputValues[0];

    /// <summary>
    /// Every value's shape for <paramref name="inputs"/> (one per graph input), or an exception naming the input or the
    /// operation that cannot take what it is given, and the shapes.
    /// </summary>
    internal TensorShape[] Shapes(ReadOnlySpan<TensorShape> inputs, TensorLayout layout)
    {
        if (inputs.Length != InputValues.Length)
            throw new ArgumentException($"the network takes {InputValues.Length} input(s), not {inputs.Length}", nameof(inputs));
        var shapes = new TensorShape[ValueCount];
        for (int k = 0; k < inputs.Length; k++)
        {
            TensorShape x = inputs[k];
            string name = Inputs[k].Name;
            if (x.Batch < 1 || x.Height < 1 || x.Width < 1)
                throw new ArgumentException($"input '{name}' {x.ToString(layout)}: batch, height and width must be at least 1", nameof(inputs));
            if (x.Channels != Channels[InputValues[k]])
                throw new ArgumentException($"input '{name}' takes {Channels[InputValues[k]]} channels, not the {x.Channels} of {x.ToString(layout)}", nameof(inputs));
            _ = x.Length; // throws when the input alone is too large
            shapes[InputValues[k]] = x;
        }
        int batch = inputs[0].Batch;
        foreach (TensorShape x in inputs)
            if (x.Batch != batch)
                throw new ArgumentException($"every input must have the same batch: {string.Join(", ", InputValues.Select((v, k) => $"'{Inputs[k].Name}' {shapes[v].ToString(layout)}"))}", nameof(inputs));
        Span<TensorShape> ins = stackalloc TensorShape[8], outs = stackalloc TensorShape[8];
        foreach (GraphOp op in Ops)
        {
            TensorShape[]? inBuffer = op.Inputs.Length > 8 ? new TensorShape[op.Inputs.Length] : null;
            TensorShape[]? outBuffer = op.Outputs.Length > 8 ? new TensorShape[op.Outputs.Length] : null;
            Span<TensorShape> i = inBuffer ?? ins[..op.Inputs.Length], o = outBuffer ?? outs[..op.Outputs.Length];
            for (int j = 0; j < op.Inputs.Length; j++) i[j] = shapes[op.Inputs[j]];
            try
            {
                op.InferShapes(i, o);
                for (int j = 0; j < o.Length; j++)
                {
                    _ = o[j].Length; // throws when the output is too large
                    shapes[op.Outputs[j]] = o[j];
                }
            }
            catch (ArgumentException e)
            {
                string taken = string.Join(" and ", op.Inputs.Select(v => $"'{ValueNames[v]}' {shapes[v].ToString(layout)}"));
                string given = string.Join(", ", InputValues.Select(v => shapes[v].ToString(layout)));
                throw new ArgumentException($"input {given}: '{op.Name}' ({op.Definition}) cannot take {taken}: {e.Message}", nameof(inputs), e);
            }
        }
        return shapes;
    }

    /// <summary>
    /// The graph's outputs, in order, evaluated by its operations' definitions in double precision (never a library's
    /// kernels), each element with the derived bound on a float32 evaluation's error: what to check any backend's
    /// result against (<see cref="ReferenceTensor"/>: the first-order bound of element i is
    /// <c>RelativeBudget · Magnitude[i]</c>). Inputs as <see cref="ReferenceTensor.Exact"/> gives them; checked as a
    /// call's are.
    /// </summary>
    public ReferenceTensor[] ReferenceOutputs(IReadOnlyList<ReferenceTensor> inputs, ReferenceContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        _ = Shapes(inputs.Select(x => x.Shape).ToArray(), TensorLayout.Nchw);
        ReferenceTensor[] values = Reference(inputs, context ?? new ReferenceContext());
        return OutputValues.Select(v => values[v]).ToArray();
    }

    /// <summary>
    /// The network evaluated by the operations' references (<see cref="GraphOp.Reference"/>): in double precision, each
    /// value with its derived bound; every value's result, in the graph's value order.
    /// </summary>
    internal ReferenceTensor[] Reference(IReadOnlyList<ReferenceTensor> inputs, ReferenceContext context)
    {
        var values = new ReferenceTensor[ValueCount];
        for (int k = 0; k < InputValues.Length; k++) values[InputValues[k]] = inputs[k];
        foreach (GraphOp op in Ops)
        {
            ReferenceTensor[] made = op.Reference(op.Inputs.Select(v => values[v]).ToArray(), context);
            for (int k = 0; k < made.Length; k++) values[op.Outputs[k]] = made[k];
        }
        return values;
    }

    /// <summary>Multiply-accumulates of the operations for these shapes (convolutions; the small operations count 0).</summary>
    internal long MultiplyAccumulates(TensorShape[] shapes) => Ops.Sum(op =>
        op.MultiplyAccumulates(op.Inputs.Select(v => shapes[v]).ToArray(), op.Outputs.Select(v => shapes[v]).ToArray()));

    /// <summary>
    /// The same network with each convolution whose only reader is an add fused with that add (and the add's activation)
    /// into a <see cref="ConvSumOp"/> in the add's place, where <paramref name="canFuse"/> allows (given the
    /// convolution's and the add's operation indices). Values keep their numbers; the convolution's own output is no
    /// longer made.
    /// </summary>
    internal NetworkGraph FuseResidualSums(Func<int, int, bool> canFuse)
    {
        var readers = new int[ValueCount];
        foreach (GraphOp op in Ops)
            foreach (int v in op.Inputs)
                readers[v]++;
        foreach (int v in OutputValues) readers[v]++; // an output is read by the caller
        var producer = new int[ValueCount];
        Array.Fill(producer, -1);
        for (int i = 0; i < Ops.Count; i++)
            foreach (int v in Ops[i].Outputs)
                producer[v] = i;
        var fusedInto = new Dictionary<int, (int Conv, int Residual)>(); // add index -> its convolution and the other operand
        var absorbed = new HashSet<int>();
        for (int a = 0; a < Ops.Count; a++)
        {
            if (Ops[a] is not AddOp add) continue;
            foreach ((int operand, int other) in new[] { (add.Inputs[0], add.Inputs[1]), (add.Inputs[1], add.Inputs[0]) })
            {
                int c = producer[operand];
                if (c < 0 || Ops[c] is not ConvOp || readers[operand] != 1 || operand == other || absorbed.Contains(c) || !canFuse(c, a)) continue;
                fusedInto[a] = (c, other);
                absorbed.Add(c);
                break;
            }
        }
        if (fusedInto.Count == 0) return this;
        var ops = new List<GraphOp>();
        for (int i = 0; i < Ops.Count; i++)
        {
            if (absorbed.Contains(i)) continue;
            ops.Add(fusedInto.TryGetValue(i, out var f) ? new ConvSumOp((ConvOp)Ops[f.Conv], f.Residual, Ops[i].Output, ((AddOp)Ops[i]).Activation) { Origins = [f.Conv, i] } : Ops[i]);
        }
        return new NetworkGraph(ops, Channels, ValueNames, InputValues, OutputValues, Outputs.Select(o => o.Name).ToArray()) { Unfused = this };
    }

    /// <summary>The graph this one was fused from (null: this one is not fused).</summary>
    internal NetworkGraph? Unfused { get; private init; }

    /// <summary>Per operation, the operations of the unfused graph it stands for (a fused sum: its convolution and its add).</summary>
    internal int[][] Origins()
    {
        if (Unfused is null) return Enumerable.Range(0, Ops.Count).Select(i => new[] { i }).ToArray();
        var index = new Dictionary<GraphOp, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < Unfused.Ops.Count; i++) index[Unfused.Ops[i]] = i;
        return Ops.Select(op => op is ConvSumOp fused ? fused.Origins : [index[op]]).ToArray();
    }

    /// <summary>Every operation's name and definition and the values it connects, hashed: a plan fits only the network it was measured on.</summary>
    internal string Fingerprint()
    {
        var text = new StringBuilder();
        foreach (string line in Describe()) text.Append(line).Append('\n');
        foreach (GraphTensor input in Inputs) text.Append("input ").Append(input).Append('\n');
        foreach (GraphTensor output in Outputs) text.Append("output ").Append(output).Append('\n');
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16].ToLowerInvariant();
    }
}
