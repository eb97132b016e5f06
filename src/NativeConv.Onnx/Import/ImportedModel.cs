namespace NativeConv.Onnx;

/// <summary>What the importer made of a model: the network's graph, the ONNX inputs and outputs, and what became of each node.</summary>
internal sealed record ImportedModel(
    NetworkGraph Graph,
    IReadOnlyList<OnnxTensorInfo> Inputs,
    IReadOnlyList<OnnxTensorInfo> Outputs,
    IReadOnlyList<int> OutputRanks,
    IReadOnlyList<OnnxNodeLowering> Lowering,
    int Opset,
    string Name);
