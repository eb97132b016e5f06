using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NativeConv.Benchmarks.Ort;

/// <summary>
/// An InferenceSession whose one input and one output are bound once to preallocated, pinned float
/// buffers, so a timed call is RunWithBinding alone: no allocation, no copy, no name lookup per call.
/// A model of fixed dimensions gets a seeded input of its own; one with symbolic ones runs on the caller's. Several may
/// share one session (<see cref="Shared"/>): each its own binding and buffers, as concurrent callers of one session.
/// </summary>
internal sealed class BoundSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly OrtValue _input;
    private readonly OrtValue _output;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();
    private readonly AlignedFloatBuffer? _outputBuffer;
    private readonly bool _ownsSession = true;

    public BoundSession(string modelPath, int threads, string? saveOptimizedPath)
    {
        _session = Create(modelPath, threads, saveOptimizedPath);
        (string inputName, NodeMetadata inputNode) = SingleFloatTensor(_session.InputMetadata, "input");
        (string outputName, NodeMetadata outputNode) = SingleFloatTensor(_session.OutputMetadata, "output");
        long[] inputShape = Fixed(inputName, inputNode, "input"), outputShape = Fixed(outputName, outputNode, "output");
        InputShape = inputShape;

        // Seeded: every run of the benchmark feeds the same values.
        var random = new Random(0);
        float[] inputData = new float[ElementCount(inputShape)];
        for (int i = 0; i < inputData.Length; i++) inputData[i] = random.NextSingle() - 0.5f;
        // CreateTensorValueFromMemory pins the array until the OrtValue is disposed.
        _input = OrtValue.CreateTensorValueFromMemory(inputData, inputShape);
        _output = OrtValue.CreateTensorValueFromMemory(new float[ElementCount(outputShape)], outputShape);
        _binding = Bind(inputName, outputName);
    }

    /// <summary>
    /// A model whose input may leave dimensions symbolic (a dynamic batch), bound to the caller's
    /// <paramref name="input"/> of <paramref name="inputShape"/> (read in place, so another library can be timed on
    /// the very same buffer); the output's symbols take the values the input's gave them, into an aligned buffer.
    /// </summary>
    public BoundSession(string modelPath, int threads, AlignedFloatBuffer input, long[] inputShape)
        : this(Create(modelPath, threads, null), input, inputShape)
    {
    }

    /// <summary>As the constructor above, on <paramref name="session"/>, which the caller keeps and disposes.</summary>
    public static BoundSession Shared(InferenceSession session, AlignedFloatBuffer input, long[] inputShape) => new(session, input, inputShape, owns: false);

    private BoundSession(InferenceSession session, AlignedFloatBuffer input, long[] inputShape, bool owns = true)
    {
        _session = session;
        _ownsSession = owns;
        (string inputName, NodeMetadata inputNode) = SingleFloatTensor(_session.InputMetadata, "input");
        (string outputName, NodeMetadata outputNode) = SingleFloatTensor(_session.OutputMetadata, "output");
        Dictionary<string, long> symbols = Symbols(inputName, inputNode, inputShape);
        long[] outputShape = outputNode.Dimensions.Select((d, k) => d > 0 ? d
            : symbols.TryGetValue(outputNode.SymbolicDimensions[k], out long value) ? value
            : throw new InvalidOperationException($"output '{outputName}' dimension {k} ('{outputNode.SymbolicDimensions[k]}') is not one of the input's")).ToArray();
        if (input.Length != ElementCount(inputShape)) throw new ArgumentException($"the input buffer holds {input.Length} values, not [{string.Join(", ", inputShape)}]", nameof(input));
        InputShape = inputShape;
        _outputBuffer = new AlignedFloatBuffer(ElementCount(outputShape));
        _input = Wrap(input, inputShape);
        _output = Wrap(_outputBuffer, outputShape);
        _binding = Bind(inputName, outputName);
    }

    /// <summary>A session as every mode makes it: ALL graph optimizations, sequential, <paramref name="threads"/> intra-op threads, the CPU arena.</summary>
    public static InferenceSession Create(string modelPath, int threads, string? saveOptimizedPath)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        if (saveOptimizedPath is not null) options.OptimizedModelFilePath = saveOptimizedPath;
        options.AppendExecutionProvider_CPU(useArena: 1);
        return new InferenceSession(modelPath, options);
    }

    private OrtIoBinding Bind(string inputName, string outputName)
    {
        OrtIoBinding binding = _session.CreateIoBinding();
        binding.BindInput(inputName, _input);
        binding.BindOutput(outputName, _output);
        return binding;
    }

    /// <summary>An OrtValue over native memory the caller keeps alive (an aligned buffer does not move).</summary>
    private static unsafe OrtValue Wrap(AlignedFloatBuffer buffer, long[] shape) =>
        OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float, shape,
            (IntPtr)Unsafe.AsPointer(ref MemoryMarshal.GetReference(buffer.Span)), (long)buffer.Length * sizeof(float));

    public IReadOnlyList<long> InputShape { get; }

    public IReadOnlyDictionary<string, string> CustomMetadata => _session.ModelMetadata.CustomMetadataMap;

    public void Run() => _session.RunWithBinding(_runOptions, _binding);

    /// <summary>The output of the latest <see cref="Run"/>.</summary>
    public ReadOnlySpan<float> Output => _output.GetTensorDataAsSpan<float>();

    public void Dispose()
    {
        _binding.Dispose();
        _runOptions.Dispose();
        _input.Dispose();
        _output.Dispose();
        if (_ownsSession) _session.Dispose();
        _outputBuffer?.Dispose();
    }

    private static (string Name, NodeMetadata Node) SingleFloatTensor(IReadOnlyDictionary<string, NodeMetadata> metadata, string what)
    {
        if (metadata.Count != 1) throw new InvalidOperationException($"the model must have one {what}, not {metadata.Count}");
        (string name, NodeMetadata node) = metadata.Single();
        if (node.ElementDataType != TensorElementType.Float)
            throw new InvalidOperationException($"{what} '{name}' is {node.ElementDataType}, not float");
        return (name, node);
    }

    private static long[] Fixed(string name, NodeMetadata node, string what)
    {
        if (node.Dimensions.Any(d => d <= 0))
            throw new InvalidOperationException($"{what} '{name}' has a symbolic dimension ({string.Join("x", node.Dimensions)}): export with a fixed batch");
        return node.Dimensions.Select(d => (long)d).ToArray();
    }

    /// <summary>Each symbolic dimension's value in <paramref name="shape"/>, every fixed one checked.</summary>
    private static Dictionary<string, long> Symbols(string name, NodeMetadata node, long[] shape)
    {
        if (shape.Length != node.Dimensions.Length || shape.Where((d, k) => node.Dimensions[k] > 0 && node.Dimensions[k] != d).Any())
            throw new ArgumentException($"input '{name}' is [{string.Join(", ", node.Dimensions.Select((d, k) => d > 0 ? d.ToString() : node.SymbolicDimensions[k]))}] in the model, not [{string.Join(", ", shape)}]");
        var symbols = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int k = 0; k < shape.Length; k++)
            if (node.Dimensions[k] <= 0 && node.SymbolicDimensions[k].Length > 0) symbols[node.SymbolicDimensions[k]] = shape[k];
        return symbols;
    }

    private static int ElementCount(long[] shape) => checked((int)shape.Aggregate(1L, (product, d) => product * d));
}
