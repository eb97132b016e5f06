using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace NativeConv.Benchmarks.Ort;

/// <summary>
/// An InferenceSession whose one input and one output are bound once to preallocated, pinned float
/// buffers, so a timed call is RunWithBinding alone: no allocation, no copy, no name lookup per call.
/// </summary>
internal sealed class BoundSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly OrtValue _input;
    private readonly OrtValue _output;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();

    public BoundSession(string modelPath, int threads, string? saveOptimizedPath)
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
        _session = new InferenceSession(modelPath, options);

        (string inputName, long[] inputShape) = SingleFloatTensor(_session.InputMetadata, "input");
        (string outputName, long[] outputShape) = SingleFloatTensor(_session.OutputMetadata, "output");
        InputShape = inputShape;

        // Seeded: every run of the benchmark feeds the same values.
        var random = new Random(0);
        float[] inputData = new float[ElementCount(inputShape)];
        for (int i = 0; i < inputData.Length; i++) inputData[i] = random.NextSingle() - 0.5f;
        // CreateTensorValueFromMemory pins the array until the OrtValue is disposed.
        _input = OrtValue.CreateTensorValueFromMemory(inputData, inputShape);
        _output = OrtValue.CreateTensorValueFromMemory(new float[ElementCount(outputShape)], outputShape);

        _binding = _session.CreateIoBinding();
        _binding.BindInput(inputName, _input);
        _binding.BindOutput(outputName, _output);
    }

    public IReadOnlyList<long> InputShape { get; }

    public IReadOnlyDictionary<string, string> CustomMetadata => _session.ModelMetadata.CustomMetadataMap;

    public void Run() => _session.RunWithBinding(_runOptions, _binding);

    public void Dispose()
    {
        _binding.Dispose();
        _runOptions.Dispose();
        _input.Dispose();
        _output.Dispose();
        _session.Dispose();
    }

    private static (string Name, long[] Shape) SingleFloatTensor(IReadOnlyDictionary<string, NodeMetadata> metadata, string what)
    {
        if (metadata.Count != 1) throw new InvalidOperationException($"the model must have one {what}, not {metadata.Count}");
        (string name, NodeMetadata node) = metadata.Single();
        if (node.ElementDataType != TensorElementType.Float)
            throw new InvalidOperationException($"{what} '{name}' is {node.ElementDataType}, not float");
        if (node.Dimensions.Any(d => d <= 0))
            throw new InvalidOperationException($"{what} '{name}' has a symbolic dimension ({string.Join("x", node.Dimensions)}): export with a fixed batch");
        return (name, node.Dimensions.Select(d => (long)d).ToArray());
    }

    private static int ElementCount(long[] shape) => checked((int)shape.Aggregate(1L, (product, d) => product * d));
}
