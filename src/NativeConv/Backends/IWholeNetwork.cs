namespace NativeConv;

/// <summary>
/// A network handed to a backend whole, to run as one native object instead of operation by operation
/// (XNNPACK's subgraph runtime): made once per program (weights converted), with a run per input shape.
/// </summary>
internal interface IWholeNetwork : IDisposable
{
    /// <summary>What runs it, e.g. "xnnpack:subgraph runtime".</summary>
    string ImplementationName { get; }

    /// <summary>The run for one input shape: <paramref name="shapes"/>, every value's, as <see cref="NetworkGraph.Shapes"/> gives them.</summary>
    IWholeNetworkRun CreateRun(TensorShape[] shapes);
}
