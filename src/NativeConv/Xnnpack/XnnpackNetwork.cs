using NativeConv.Interop.Xnnpack;

namespace NativeConv;

/// <summary>
/// A network for XNNPACK's subgraph runtime (<see cref="IWholeNetwork"/>): what every input shape's runtime reads,
/// made once: each operation's static data (<see cref="IXnnpackNode.CreateStatics"/>: weights in XNNPACK's order, in
/// native memory that outlives every runtime made from it, since XNNPACK keeps pointers to static data), the scalar
/// constants, and the pool, referenced. A network with an operation that has no node is refused, naming it.
/// </summary>
internal sealed unsafe class XnnpackNetwork : IWholeNetwork
{
    private readonly HandleLease? _lease;
    private readonly IDisposable?[] _statics;
    private readonly NativeFloatBuffer _constants;

    public XnnpackNetwork(PthreadpoolHandle? pool, NetworkGraph graph)
    {
        Graph = graph;
        _statics = new IDisposable?[graph.Ops.Count];
        _lease = pool is null ? null : new HandleLease(pool);
        Pool = pool?.Value ?? default;
        _constants = new NativeFloatBuffer(2);
        try
        {
            _constants.Pointer[0] = 3f;
            _constants.Pointer[1] = 1f / 6f;
            for (int i = 0; i < graph.Ops.Count; i++)
                _statics[i] = graph.Ops[i] is IXnnpackNode node ? node.CreateStatics()
                    : throw new NotSupportedException($"'{graph.Ops[i].Name}' ({graph.Ops[i].Definition}): XNNPACK's subgraph runtime has no node for it; run it operation by operation");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public NetworkGraph Graph { get; }

    /// <summary>The pool every runtime runs on (null handle: the caller's thread).</summary>
    public Interop.Xnnpack.pthreadpool_t Pool { get; }

    public string ImplementationName => "xnnpack:subgraph runtime";

    /// <summary>Operation <paramref name="op"/>'s static data (null: none).</summary>
    public IDisposable? Statics(int op) => _statics[op];

    /// <summary>The scalar 3, HardSigmoid's shift.</summary>
    public float* Three => _constants.Pointer;

    /// <summary>The scalar 1/6 rounded to float, HardSigmoid's scale (the same constant the managed pass multiplies by).</summary>
    public float* OneSixth => _constants.Pointer + 1;

    public IWholeNetworkRun CreateRun(TensorShape[] shapes) => new XnnpackNetworkRun(this, shapes);

    public void Dispose()
    {
        foreach (IDisposable? statics in _statics ?? []) statics?.Dispose();
        _constants?.Dispose();
        _lease?.Dispose();
    }
}
