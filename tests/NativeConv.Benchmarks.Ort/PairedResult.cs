using System.Globalization;
using System.Text.Json;

namespace NativeConv.Benchmarks.Ort;

/// <summary>NativeConv and ONNX Runtime on one network, timed in one process in alternating blocks (<see cref="NativeConv.Cli.BlockTiming"/>).</summary>
internal sealed record PairedResult(
    string Model, string Layout, int Batch, int Threads, int Pairs, string Plan,
    double NativeconvUs, double OrtUs, double RatioMedian, double RatioMin, double RatioMax, string OrtVersion)
{
    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public string ToJson() => JsonSerializer.Serialize(this, SnakeCase);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Model} {Layout} batch {Batch}, {Threads} thread(s), {Pairs} pairs of blocks in one process: NativeConv ({Plan}) {NativeconvUs:F1} µs, " +
        $"ONNX Runtime {OrtVersion} {OrtUs:F1} µs; NativeConv / ORT median {RatioMedian:F3} (pairs {RatioMin:F3}..{RatioMax:F3})");
}
