namespace NativeConv.Onnx;

/// <summary>How an ONNX model is loaded and run: the network's options, and the backends it runs on.</summary>
public sealed record OnnxModelOptions
{
    /// <summary>How the network runs (backend or auto, layout of the caller's tensors, threads, plans, ...).</summary>
    public NetworkOptions Network { get; init; } = new();

    /// <summary>The backends to run on, owned by the caller; null: the model makes the built-in ones with <see cref="BackendOptions"/> and disposes them.</summary>
    public ConvBackends? Backends { get; init; }

    /// <summary>Options of the backends the model makes when <see cref="Backends"/> is null.</summary>
    public NativeConvOptions? BackendOptions { get; init; }

    /// <summary>Largest model file read (bytes), external data included; protobuf itself is limited to 2 GiB per message.</summary>
    public long MaxModelBytes { get; init; } = int.MaxValue;
}
