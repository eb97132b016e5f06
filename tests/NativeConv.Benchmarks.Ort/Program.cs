using Microsoft.ML.OnnxRuntime;
using NativeConv.Benchmarks.Ort;

// Times one ONNX model in ONNX Runtime (CPU): see RunnerOptions.Usage and build/benchmarks/network-peers.sh.
// onnx-paired: one .onnx file in NativeConv and in ONNX Runtime, paired (OnnxPaired; build/benchmarks/onnx-zoo.sh).
if (args is ["onnx-paired", .. var onnxPaired]) return OnnxPaired.Run(onnxPaired);
// concurrent: 1, 2, 4 callers at once on one NativeConv network and one ONNX Runtime session, one thread each (Concurrent).
if (args is ["concurrent", .. var concurrent]) return Concurrent.Run(concurrent);
RunnerOptions options;
try { options = RunnerOptions.Parse(args); }
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

using var session = new BoundSession(options.ModelPath, options.Threads, options.SaveOptimizedPath);
if (options.Paired)
{
    PairedResult paired = PairedNetworks.Measure(session, options);
    Console.WriteLine(options.Json ? paired.ToJson() : paired.ToString());
    return 0;
}
CallTiming timing = CallTiming.Measure(session.Run, options.MinMilliseconds);

// export_onnx.py records the network's name and layout; any other model is named after its file.
var metadata = session.CustomMetadata;
int batch = (int)session.InputShape[0];
var result = new NetworkResult(
    Model: metadata.GetValueOrDefault("nativeconv.model", Path.GetFileNameWithoutExtension(options.ModelPath)),
    Layout: metadata.GetValueOrDefault("nativeconv.layout", "unknown"),
    Batch: batch,
    Threads: options.Threads,
    MedianUs: Math.Round(timing.MedianMicroseconds, 1),
    MinUs: Math.Round(timing.MinMicroseconds, 1),
    MaxUs: Math.Round(timing.MaxMicroseconds, 1),
    ImagesPerS: Math.Round(batch * 1e6 / timing.MedianMicroseconds, 2),
    OrtVersion: OrtEnv.Instance().GetVersionString());
Console.WriteLine(options.Json ? result.ToJson() : result.ToString());
return 0;
