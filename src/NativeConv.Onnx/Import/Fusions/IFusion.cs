namespace NativeConv.Onnx;

/// <summary>
/// One pattern rewrite of the imported graph, after constant folding and before lowering (ONNX Runtime's graph
/// transformers): it replaces the nodes it matches by one node that lowers to fewer, fused operations. Each pattern
/// is one file in Import/Fusions; <see cref="Fusions.All"/> lists them in the order they run.
/// </summary>
internal interface IFusion
{
    /// <summary>Rewrites every match in the graph.</summary>
    void Apply(OnnxGraph graph);
}
