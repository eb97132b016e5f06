using Microsoft.ML.OnnxRuntime;
using NativeConv.Npy;
using Xunit;

namespace NativeConv.Onnx.Tests;

/// <summary>
/// ONNX Runtime (the Microsoft.ML.OnnxRuntime package, CPU) running a file as a user would, and as the benchmarks run it
/// (tests/NativeConv.Benchmarks.Ort): every graph optimization, sequential, <see cref="TestBackends.Threads"/> threads.
/// A runtime whose native library does not load is a visible skip, except under CI (CI=true), where it is a failure.
/// </summary>
internal static class OnnxRuntimePeer
{
    /// <summary>The runtime's version ("1.31.1"), loading its native library first.</summary>
    public static string Version
    {
        get
        {
            try
            {
                return OrtEnv.Instance().GetVersionString();
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or BadImageFormatException)
            {
                Prerequisite.Require(false, $"ONNX Runtime's native library does not load here: {e.Message}");
                throw new InvalidOperationException("unreachable");
            }
        }
    }

    /// <summary>The one output of the model at <paramref name="path"/> on <paramref name="input"/> (its one input, NCHW).</summary>
    public static (float[] Data, int[] Shape) Run(string path, NpyArray input)
    {
        _ = Version;
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = TestBackends.Threads,
            InterOpNumThreads = 1,
        };
        using var session = new InferenceSession(path, options);
        string inputName = Assert.Single(session.InputMetadata).Key, outputName = Assert.Single(session.OutputMetadata).Key;
        using var runOptions = new RunOptions();
        using OrtValue x = OrtValue.CreateTensorValueFromMemory(input.Data, input.Shape.Select(d => (long)d).ToArray());
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, [inputName], [x], [outputName]);
        OrtValue y = Assert.Single(outputs);
        return (y.GetTensorDataAsSpan<float>().ToArray(), y.GetTensorTypeAndShape().Shape.Select(d => checked((int)d)).ToArray());
    }
}
