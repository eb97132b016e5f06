namespace NativeConv;

/// <summary>
/// A network as an ordered list of operations over numbered values (value 0 is the input), with each
/// value's channel count, checked as operations are added: what blocks lower into, and what every
/// backend's runner executes.
/// </summary>
internal sealed class NetworkGraph
{
    private readonly List<GraphOp> _ops = [];
    private readonly List<int> _channels = [];
    private readonly List<string> _producers = [];

    public NetworkGraph(int inputChannels)
    {
        if (inputChannels < 1) throw new ArgumentOutOfRangeException(nameof(inputChannels), inputChannels, "must be at least 1");
        _channels.Add(inputChannels);
        _producers.Add("the network input");
    }

    private NetworkGraph(List<GraphOp> ops, List<int> channels, List<string> producers)
    {
        _ops = ops;
        _channels = channels;
        _producers = producers;
    }

    public const int Input = 0;

    public IReadOnlyList<GraphOp> Ops => _ops;

    /// <summary>Channels of each value.</summary>
    public IReadOnlyList<int> Channels => _channels;

    public int ValueCount => _channels.Count;

    /// <summary>The value the last operation made: the network's output.</summary>
    public int Output => _channels.Count - 1;

    public int Conv(string name, int input, Conv2dSpec spec, float[] weights, float[] bias)
    {
        Expect(name, input, spec.InChannels, $"{spec}");
        return Add(new ConvOp(name, input, _channels.Count, spec, weights, bias), spec.OutChannels);
    }

    public int Add(string name, int left, int right)
    {
        Expect(name, right, _channels[left], "a residual add");
        return Add(new AddOp(name, left, right, _channels.Count), _channels[left]);
    }

    public int GlobalAveragePool(string name, int input) => Add(new GlobalAveragePoolOp(name, input, _channels.Count), _channels[input]);

    public int ChannelScale(string name, int input, int scale)
    {
        Expect(name, scale, _channels[input], "a per-channel scale");
        return Add(new ChannelScaleOp(name, input, scale, _channels.Count), _channels[input]);
    }

    /// <summary>Shapes of every value for <paramref name="input"/>, or an exception naming the operation that cannot take its input.</summary>
    public TensorShape[] Shapes(TensorShape input, TensorLayout layout, out ConvGeometry[] geometries)
    {
        if (input.Channels != Channels[Input])
            throw new ArgumentException($"the network takes {Channels[Input]} channels, not the {input.Channels} of {input.ToString(layout)}", nameof(input));
        var shapes = new TensorShape[ValueCount];
        geometries = new ConvGeometry[_ops.Count];
        shapes[Input] = input;
        _ = input.Length; // throws when the input alone is too large
        for (int i = 0; i < _ops.Count; i++)
        {
            GraphOp op = _ops[i];
            TensorShape x = shapes[op.Inputs[0]];
            try
            {
                shapes[op.Output] = op switch
                {
                    ConvOp conv => Conv(conv.Spec, x, out geometries[i]),
                    ConvSumOp fused => Same(Conv(fused.Spec, x, out geometries[i]), shapes[fused.Residual], "residual add"),
                    AddOp add => Same(x, shapes[add.Right], "add"),
                    GlobalAveragePoolOp => x with { Height = 1, Width = 1 },
                    ChannelScaleOp scale => Scaled(x, shapes[scale.Scale]),
                    _ => throw new InvalidOperationException($"unknown operation {op}"),
                };
                _ = shapes[op.Output].Length;
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"input {input.ToString(layout)}: '{op.Name}' cannot take {x}: {e.Message}", nameof(input), e);
            }
        }
        return shapes;
    }

    private static TensorShape Conv(Conv2dSpec spec, TensorShape x, out ConvGeometry g)
    {
        g = spec.Geometry(x.Batch, x.Height, x.Width);
        return new TensorShape(g.Batch, g.OutChannels, g.OutHeight, g.OutWidth);
    }

    private static TensorShape Same(TensorShape a, TensorShape b, string what) =>
        a == b ? a : throw new ArgumentException($"{what} of {a} and {b}: the shapes differ");

    private static TensorShape Scaled(TensorShape x, TensorShape scale) =>
        scale == x with { Height = 1, Width = 1 } ? x : throw new ArgumentException($"scale {scale} does not match {x} per channel");

    /// <summary>
    /// The same network with each convolution whose only reader is the residual add after it (as the add's
    /// left operand) fused with that add into a <see cref="ConvSumOp"/>, where <paramref name="canFuse"/>
    /// allows (given the convolution's operation index; the add is the next). Values keep their numbers; the
    /// convolution's own output is no longer made.
    /// </summary>
    public NetworkGraph FuseResidualSums(Func<int, bool> canFuse)
    {
        var readers = new int[ValueCount];
        foreach (GraphOp op in _ops)
            foreach (int v in op.Inputs)
                readers[v]++;
        var ops = new List<GraphOp>();
        for (int i = 0; i < _ops.Count; i++)
        {
            if (_ops[i] is ConvOp conv && i + 1 < _ops.Count && _ops[i + 1] is AddOp add && add.Left == conv.Output
                && readers[conv.Output] == 1 && add.Right != conv.Output && canFuse(i))
            {
                ops.Add(new ConvSumOp(conv.Name + " + residual", conv.Input, add.Right, add.Output, conv));
                i++;
                continue;
            }
            ops.Add(_ops[i]);
        }
        return new NetworkGraph(ops, [.. _channels], [.. _producers]);
    }

    private int Add(GraphOp op, int channels)
    {
        _ops.Add(op);
        _channels.Add(channels);
        _producers.Add(op.Name);
        return op.Output;
    }

    private void Expect(string name, int value, int channels, string what)
    {
        if ((uint)value >= (uint)_channels.Count) throw new ArgumentOutOfRangeException(nameof(value), value, $"no value {value} in the network");
        if (_channels[value] != channels)
            throw new ArgumentException($"'{name}' ({what}) takes (N, {channels}, H, W), but '{_producers[value]}' gives (N, {_channels[value]}, H, W)", nameof(name));
    }
}
