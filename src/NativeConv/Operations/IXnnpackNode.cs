namespace NativeConv;

/// <summary>
/// An operation XNNPACK's subgraph runtime can run (<see cref="NetworkOptions.WholeRuntime"/>): it defines its nodes,
/// in its own Operations/&lt;Op&gt;/&lt;Op&gt;.Xnnpack.cs. A network with an operation that is not one refuses the whole runtime.
/// </summary>
internal interface IXnnpackNode
{
    /// <summary>Data the runtimes keep pointers to (weights in XNNPACK's order), made once per network; null: none.</summary>
    IDisposable? CreateStatics() => null;

    /// <summary>Defines the operation's nodes from its input values' ids to its output values' ids (already defined).</summary>
    void Define(XnnpackSubgraph subgraph, IDisposable? statics, ReadOnlySpan<uint> inputs, ReadOnlySpan<uint> outputs, OpShapes shapes);
}
