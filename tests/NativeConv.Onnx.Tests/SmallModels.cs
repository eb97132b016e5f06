namespace NativeConv.Onnx.Tests;

/// <summary>A valid small model the bad-file catalogue and the fuzz run start from: conv → relu → pool → gemm.</summary>
internal static class SmallModels
{
    public static ModelBuilder Classifier(int opset = 13)
    {
        var m = new ModelBuilder(opset);
        m.Input("x", "N", 2, 5, 5);
        m.Conv("c", "x", 2, 3, 3, attributes: ("pads", new long[] { 1, 1, 1, 1 }));
        m.Op("Relu", "r", ["c"]);
        m.Op("GlobalAveragePool", "p", ["r"]);
        m.Op("Flatten", "f", ["p"]);
        m.Op("Gemm", "y", ["f", m.Float("W", [4, 3]), m.Float("B", [4])], ("transB", 1L));
        m.Output("y", "N", 4);
        return m;
    }

    public static OnnxModel Load(byte[] bytes, string? directory = null) =>
        OnnxModel.Load(bytes, directory, new OnnxModelOptions { Backends = TestBackends.All, Network = new NetworkOptions { Backend = ReferenceBackend.BackendName } });
}
