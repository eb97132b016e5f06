using NativeConv.Onnx;

namespace NativeConv.Benchmarks.Ort;

/// <summary>
/// NativeConv's side of onnx-paired: the .onnx file in <see cref="OnnxModel"/>, NCHW as the file is, on --backend (auto by
/// default: its first call for a shape plans, or follows the plan file in the plan directory) with --threads on the
/// backends and per call, from the shared input into an aligned output.
/// </summary>
internal sealed class NativeConvOnnxPeer(OnnxPairedOptions options, string? planDirectory) : IDisposable
{
    private readonly OnnxModel _model = OnnxModel.Load(options.ModelPath, new OnnxModelOptions
    {
        BackendOptions = new NativeConvOptions { Threads = options.Threads },
        Network = new NetworkOptions { Backend = options.Backend, Threads = options.Threads, Layout = TensorLayout.Nchw, PlanDirectory = planDirectory },
    });

    private AlignedFloatBuffer? _output;

    public int Opset => _model.Opset;

    /// <summary>The model's input at <paramref name="batch"/>: its channels, height and width are the file's.</summary>
    public int[] InputShape(int batch)
    {
        OnnxTensorInfo input = _model.Inputs.Count == 1 ? _model.Inputs[0] : throw new ArgumentException($"onnx-paired takes models of one input, not {_model.Inputs.Count}");
        return [batch, .. input.Dimensions.Skip(1).Select(d => d.Size is { } size ? checked((int)size)
            : throw new ArgumentException($"input '{input.Name}' is {input}: onnx-paired needs its channels, height and width fixed in the file"))];
    }

    public void Run(AlignedFloatBuffer input, int[] shape)
    {
        _output ??= new AlignedFloatBuffer(_model.OutputShape(shape).Aggregate(1, (a, b) => checked(a * b)));
        _model.Forward(input.Span, shape, _output.Span);
    }

    /// <summary>The output of the latest <see cref="Run"/>.</summary>
    public ReadOnlySpan<float> Output => _output is null ? [] : _output.Span;

    /// <summary>The plan that runs <paramref name="shape"/>, once a call has chosen it.</summary>
    public NetworkPlan? PlanFor(int[] shape) => _model.Network.PlanFor(shape[0], shape[2], shape[3]);

    /// <summary>A plan file in the plan directory that was not followed or not saved (null: none).</summary>
    public string? PlanFileProblem => _model.Network.PlanFileProblem;

    /// <summary>The multiply-accumulates per call at <paramref name="shape"/> of the convolutions (linear layers included; pooling, adds and activations not counted).</summary>
    public long MultiplyAccumulates(int[] shape) => _model.Network.MultiplyAccumulates(new TensorShape(shape[0], shape[1], shape[2], shape[3]));

    public void Dispose()
    {
        _model.Dispose();
        _output?.Dispose();
    }
}
