using System.Text.Json;
using Xunit;

namespace NativeConv.Cli.Tests;

/// <summary>
/// `compare --json` on the reference backend (no native library needed): one entry per MobileNet v1
/// layer; the error column is the reference checked against itself, so exactly 0, and JSON null under
/// --no-check (JSON has no NaN).
/// </summary>
public class CompareCommandTests
{
    private static JsonElement CompareJson(bool check)
    {
        var options = new CompareCommand.Options(["v1"], [ReferenceBackend.BackendName], TensorLayout.Nhwc, Threads: 1,
            MinMilliseconds: 0, check, Json: true);
        var output = new StringWriter();
        var messages = new StringWriter();
        Assert.Equal(0, CompareCommand.Run(options, output, messages));
        Assert.Contains("v1 body (dw+pw, weighted)", messages.ToString()); // the table goes beside the JSON
        return JsonDocument.Parse(output.ToString()).RootElement;
    }

    [Fact]
    public void Json_lists_every_layer_with_the_error_against_the_reference()
    {
        JsonElement layers = CompareJson(check: true);
        Assert.Equal(MobileNetLayers.V1.Count, layers.GetArrayLength());
        foreach (JsonElement layer in layers.EnumerateArray())
        {
            JsonElement backend = layer.GetProperty("Backends").EnumerateArray().Single();
            Assert.Equal(ReferenceBackend.BackendName, backend.GetProperty("Backend").GetString());
            Assert.True(backend.GetProperty("Microseconds").GetDouble() > 0);
            Assert.Equal(0.0, backend.GetProperty("MaxAbsError").GetDouble()); // the same deterministic code on the same data
        }
    }

    [Fact]
    public void Json_without_check_writes_null_errors()
    {
        JsonElement layers = CompareJson(check: false);
        Assert.Equal(MobileNetLayers.V1.Count, layers.GetArrayLength());
        foreach (JsonElement layer in layers.EnumerateArray())
            Assert.Equal(JsonValueKind.Null, layer.GetProperty("Backends")[0].GetProperty("MaxAbsError").ValueKind);
    }

    /// <summary>
    /// `compare --precision int8` on both native backends: every layer runs as a quantized layer (the int8
    /// kernels' names say so) and reports its dequantized difference from fp32 (its correctness against the
    /// exact integer reference is the int8 conformance suite's).
    /// </summary>
    [SkippableFact]
    public void Int8_runs_every_layer_on_both_native_backends()
    {
        foreach (string name in TestBackends.Native) TestBackends.GetOrSkip(name);
        var options = new CompareCommand.Options(["v1"], TestBackends.Native, TensorLayout.Nchw, Threads: 2, MinMilliseconds: 0, Check: true, Json: true, Precision: "int8");
        var output = new StringWriter();
        Assert.Equal(0, CompareCommand.Run(options, output, new StringWriter()));
        JsonElement layers = JsonDocument.Parse(output.ToString()).RootElement;
        Assert.Equal(MobileNetLayers.V1.Count, layers.GetArrayLength());
        foreach (JsonElement layer in layers.EnumerateArray())
            foreach (JsonElement backend in layer.GetProperty("Backends").EnumerateArray())
            {
                Assert.True(backend.GetProperty("Microseconds").GetDouble() > 0);
                Assert.True(double.IsFinite(backend.GetProperty("MaxAbsError").GetDouble()));
                string implementation = backend.GetProperty("Implementation").GetString()!;
                if (backend.GetProperty("Backend").GetString() == "xnnpack") Assert.Contains("qs8_qc8w", implementation);
                else Assert.DoesNotContain("ref:", implementation); // a JIT kernel, not oneDNN's reference
            }
    }
}
