using System.Globalization;

namespace NativeConv.Benchmarks.Ort;

/// <summary>
/// onnx-paired's result for one model at one batch: both libraries timed in alternating pairs in one process (each side's
/// µs per call in every pair, the ratio ORT / NativeConv pair by pair), then each library's cold start and peak memory in
/// fresh processes. Times in µs per call, cold starts in ms (medians of the fresh runs, each run listed), memory in kB.
/// </summary>
internal sealed record OnnxPairedResult(
    string Model, int Opset, int Batch, int Threads, string Backend, string Plan, int Pairs, double BlockMs,
    double NativeconvUs, double OrtUs, double NativeconvImagesPerS, double OrtImagesPerS,
    double RatioOrtOverNativeconv, double RatioMin, double RatioMax, double[] Ratios, double[] NativeconvUsByPair, double[] OrtUsByPair,
    long MultiplyAccumulates, double MaxAbsDifference, double OutputMaxAbs,
    double NativeconvColdMs, double? NativeconvWithPlanMs, double OrtColdMs,
    IReadOnlyList<LoadAndFirstCall> NativeconvColdRuns, IReadOnlyList<LoadAndFirstCall> NativeconvWithPlanRuns, IReadOnlyList<LoadAndFirstCall> OrtColdRuns,
    PeakMemory NativeconvMemory, PeakMemory OrtMemory, string OrtVersion)
{
    public string ToJson() => FreshProcess.ToJson(this);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Model} opset {Opset} batch {Batch}, {Threads} thread(s), {Pairs} alternating pairs of >= {BlockMs} ms: " +
        $"NativeConv {Backend} ({Plan}) {NativeconvUs:F1} µs ({NativeconvImagesPerS:F1} images/s), ONNX Runtime {OrtVersion} {OrtUs:F1} µs ({OrtImagesPerS:F1} images/s); " +
        $"ORT / NativeConv median {RatioOrtOverNativeconv:F3} (pairs {RatioMin:F3}..{RatioMax:F3}); |NativeConv - ORT| <= {MaxAbsDifference:G3} (outputs up to {OutputMaxAbs:G3})\n" +
        $"  fresh processes: load + first call NativeConv {NativeconvColdMs:F1} ms cold, {(NativeconvWithPlanMs is { } p ? $"{p:F1} ms" : "-")} with a plan file, ORT {OrtColdMs:F1} ms; " +
        $"peak RSS over {NativeconvMemory.Calls} calls NativeConv {NativeconvMemory.PeakRssKb / 1024.0:F1} MiB, ORT {OrtMemory.PeakRssKb / 1024.0:F1} MiB " +
        $"(before loading {NativeconvMemory.RssBeforeLoadKb / 1024.0:F1} and {OrtMemory.RssBeforeLoadKb / 1024.0:F1} MiB)");
}
