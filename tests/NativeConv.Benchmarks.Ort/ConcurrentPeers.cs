using Microsoft.ML.OnnxRuntime;
using NativeConv.Onnx;

namespace NativeConv.Benchmarks.Ort;

/// <summary>
/// The concurrent mode's two sides, each one object shared by every caller: NativeConv's <see cref="OnnxModel"/> (its one
/// <see cref="ConvNetwork"/>: one thread per call, at most the most callers at once, each on its own execution context)
/// and one ONNX Runtime InferenceSession with one intra-op thread (each caller its own binding and buffers). Every caller
/// has its own input (the same values) and output.
/// </summary>
internal sealed class ConcurrentPeers : IDisposable
{
    private readonly OnnxModel? _model;
    private readonly InferenceSession? _session;
    private readonly List<IDisposable> _owned = [];

    /// <param name="library">"nativeconv", "ort", or null for both.</param>
    public ConcurrentPeers(ConcurrentOptions options, string? library)
    {
        Options = options;
        if (library is null or "nativeconv")
            _model = OnnxModel.Load(options.ModelPath, new OnnxModelOptions
            {
                BackendOptions = new NativeConvOptions { Threads = 1 },
                Network = new NetworkOptions { Backend = options.Backend, Threads = 1, Layout = TensorLayout.Nchw, MaxConcurrentCalls = options.Callers.Max() },
            });
        if (library is null or "ort") _session = BoundSession.Create(options.ModelPath, threads: 1, saveOptimizedPath: null);
    }

    public ConcurrentOptions Options { get; }

    /// <summary>NativeConv's network (null when only ONNX Runtime was made).</summary>
    public ConvNetwork? Network => _model?.Network;

    /// <summary>The model's input at batch 1: its channels, height and width are the file's.</summary>
    public int[] InputShape()
    {
        OnnxTensorInfo input = (_model ?? throw new InvalidOperationException("the input's shape is read from NativeConv's import")).Inputs.Single();
        return [1, .. input.Dimensions.Skip(1).Select(d => checked((int)(d.Size ?? throw new ArgumentException($"input '{input.Name}' is {input}: its channels, height and width must be fixed"))))];
    }

    /// <summary>A NativeConv caller: its own input and output, the shared network.</summary>
    public Action NativeConvCaller(int[] shape)
    {
        OnnxModel model = _model!;
        AlignedFloatBuffer input = Own(OnnxPairedInput.Create(Options.InputPath, shape));
        AlignedFloatBuffer output = Own(new AlignedFloatBuffer(model.OutputShape(shape).Aggregate(1, (a, b) => checked(a * b))));
        return () => model.Forward(input.Span, shape, output.Span);
    }

    /// <summary>An ONNX Runtime caller: its own input, output and binding, the shared session.</summary>
    public Action OrtCaller(int[] shape)
    {
        AlignedFloatBuffer input = Own(OnnxPairedInput.Create(Options.InputPath, shape));
        BoundSession bound = Own(BoundSession.Shared(_session!, input, shape.Select(d => (long)d).ToArray()));
        return bound.Run;
    }

    private T Own<T>(T disposable) where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    public void Dispose()
    {
        // Bindings before their buffers, both before the session and the model.
        for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
        _session?.Dispose();
        _model?.Dispose();
    }
}
