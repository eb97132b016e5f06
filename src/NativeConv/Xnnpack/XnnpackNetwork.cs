using NativeConv.Interop.Xnnpack;

namespace NativeConv;

/// <summary>
/// A network for XNNPACK's subgraph runtime (<see cref="IWholeNetwork"/>): what every input shape's runtime
/// reads, made once — each convolution's weights in XNNPACK's order and its bias, in native memory that
/// outlives every runtime made from it (XNNPACK keeps pointers to static data), and the pool, referenced.
/// </summary>
internal sealed unsafe class XnnpackNetwork : IWholeNetwork
{
    private readonly HandleLease? _lease;
    private readonly NativeFloatBuffer?[] _filters;
    private readonly NativeFloatBuffer?[] _biases;
    private readonly NativeFloatBuffer _constants;

    public XnnpackNetwork(PthreadpoolHandle? pool, NetworkGraph graph)
    {
        Graph = graph;
        _filters = new NativeFloatBuffer?[graph.Ops.Count];
        _biases = new NativeFloatBuffer?[graph.Ops.Count];
        _lease = pool is null ? null : new HandleLease(pool);
        Pool = pool?.Value ?? default;
        _constants = new NativeFloatBuffer(2);
        try
        {
            _constants.Pointer[0] = 3f;
            _constants.Pointer[1] = 1f / 6f;
            for (int i = 0; i < graph.Ops.Count; i++)
            {
                switch (graph.Ops[i])
                {
                    case ConvOp conv:
                        ConvArguments.CheckParameters(conv.Spec, conv.Weights, conv.Bias);
                        _filters[i] = new NativeFloatBuffer(conv.Weights.Length);
                        XnnpackConvRecipe.ToXnnpackOrder(conv.Spec, conv.Weights, new Span<float>(_filters[i]!.Pointer, conv.Weights.Length));
                        if (conv.Spec.HasBias)
                        {
                            _biases[i] = new NativeFloatBuffer(conv.Bias.Length);
                            conv.Bias.CopyTo(new Span<float>(_biases[i]!.Pointer, conv.Bias.Length));
                        }
                        break;
                    case AddOp or GlobalAveragePoolOp or ChannelScaleOp:
                        break;
                    default:
                        throw new NotSupportedException($"'{graph.Ops[i].Name}': no XNNPACK subgraph node for {graph.Ops[i].GetType().Name}");
                }
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public NetworkGraph Graph { get; }

    /// <summary>The pool every runtime runs on (null handle: the caller's thread).</summary>
    public pthreadpool_t Pool { get; }

    public string ImplementationName => "xnnpack:subgraph runtime";

    /// <summary>Operation <paramref name="op"/>'s filter, (out, kh, kw, in/groups).</summary>
    public float* Filter(int op) => _filters[op]!.Pointer;

    /// <summary>Operation <paramref name="op"/>'s bias, or null when it has none.</summary>
    public float* Bias(int op) => _biases[op] is { } bias ? bias.Pointer : null;

    /// <summary>The scalar 3, HardSigmoid's shift.</summary>
    public float* Three => _constants.Pointer;

    /// <summary>The scalar 1/6 rounded to float, HardSigmoid's scale (the same constant the managed pass multiplies by).</summary>
    public float* OneSixth => _constants.Pointer + 1;

    public IWholeNetworkRun CreateRun(TensorShape[] shapes, ConvGeometry[] geometries) => new XnnpackNetworkRun(this, shapes, geometries);

    public void Dispose()
    {
        foreach (NativeFloatBuffer? buffer in _filters) buffer?.Dispose();
        foreach (NativeFloatBuffer? buffer in _biases) buffer?.Dispose();
        _constants?.Dispose();
        _lease?.Dispose();
    }
}
