using System.Globalization;
using System.Text.Json;

namespace NativeConv.Benchmarks.Ort;

/// <summary>One model's result: a line for people, or one JSON object (the fields pytorch_networks.py prints too).</summary>
internal sealed record NetworkResult(
    string Model, string Layout, int Batch, int Threads,
    double MedianUs, double MinUs, double MaxUs, double ImagesPerS, string OrtVersion)
{
    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public string ToJson() => JsonSerializer.Serialize(this, SnakeCase);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Model} {Layout} batch {Batch}, {Threads} thread(s): median {MedianUs:F1} µs (min {MinUs:F1}, max {MaxUs:F1}), " +
        $"{ImagesPerS:F1} images/s, ONNX Runtime {OrtVersion}");
}
