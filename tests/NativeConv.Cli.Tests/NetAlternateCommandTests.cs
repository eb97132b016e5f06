using System.Text.Json;
using Xunit;

namespace NativeConv.Cli.Tests;

/// <summary>`net alternate`: the alternating plan's convolutions compared one to one with the same library's alone, in one process.</summary>
public class NetAlternateCommandTests
{
    private static int Run(StringWriter output, params string[] flags) =>
        NetAlternateCommand.Run(new CommandLine(["net", "alternate", .. flags], 2, NetOptions.AlternateFlags, NetOptions.AlternateSwitches), output, TextWriter.Null);

    [Fact]
    public void Every_convolution_alternates_libraries_and_is_compared_with_its_own_library_alone()
    {
        var output = new StringWriter();
        Assert.Equal(0, Run(output, "--model", "v1-body", "--layout", "nhwc", "--rounds", "2", "--calls", "2", "--json"));
        using JsonDocument report = JsonDocument.Parse(output.ToString());
        JsonElement root = report.RootElement;
        JsonElement[] convolutions = root.GetProperty("per_convolution").EnumerateArray().ToArray();
        // The v1 body: 13 separable blocks, a depthwise and a pointwise convolution each.
        Assert.Equal(26, convolutions.Length);
        Assert.Equal(26, root.GetProperty("convolutions").GetInt32());
        for (int c = 0; c < convolutions.Length; c++)
        {
            Assert.Equal(c % 2 == 0 ? "onednn" : "xnnpack", convolutions[c].GetProperty("library").GetString());
            double alone = convolutions[c].GetProperty("alone_us").GetDouble(), alternating = convolutions[c].GetProperty("alternating_us").GetDouble();
            Assert.True(alone > 0 && alternating > 0, $"{convolutions[c].GetProperty("operation")}: {alone} and {alternating} µs");
            Assert.True(convolutions[c].GetProperty("ratio").GetDouble() > 0);
        }
        Assert.Equal(convolutions.Count(c => c.GetProperty("ratio").GetDouble() > 1.05), root.GetProperty("above_1_05").GetInt32());
        Assert.Equal(convolutions.Max(c => c.GetProperty("ratio").GetDouble()), root.GetProperty("ratio_worst").GetDouble(), 3);
        Assert.All(new[] { "onednn_us", "xnnpack_us", "alternating_us" }, key => Assert.True(root.GetProperty(key).GetDouble() > 0, key));
    }

    [Theory]
    [InlineData("--rounds", "0", "--rounds must be at least 1, not 0")]
    [InlineData("--calls", "0", "--calls must be at least 1, not 0")]
    [InlineData("--backend", "onednn", "unknown argument '--backend'")] // the plans are fixed: each library alone and alternating
    public void Refuses_bad_arguments_by_name(string flag, string value, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => Run(new StringWriter(), "--model", "v3-small", flag, value));
        Assert.StartsWith(message, e.Message);
    }
}
