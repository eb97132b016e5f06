using NativeConv.Npy;
using Xunit;

namespace NativeConv.Cli.Tests;

/// <summary>`run`'s shape checks (before any native call) and its output shapes, on the reference backend.</summary>
public class RunCommandTests
{
    private static RunOptions Options(TensorLayout layout = TensorLayout.Nchw, int groups = 1, string padding = "0") =>
        new("x.npy", "w.npy", null, "y.npy", new Size2D(1, 1), RunOptions.ParsePadding(padding), new Size2D(1, 1), groups,
            Activation.None, layout, "reference", 1, Check: false);

    private static NpyArray Zeros(params int[] shape) => new(shape, new float[NpyArray.ElementCount(shape)]);

    private static NpyArray Iota(params int[] shape) =>
        new(shape, Enumerable.Range(0, (int)NpyArray.ElementCount(shape)).Select(i => (float)(i % 7 - 3)).ToArray());

    [Fact]
    public void Output_keeps_the_input_layout_and_rank()
    {
        Assert.Equal([2, 5, 4, 3], RunCommand.Execute(Options(), Zeros(2, 3, 4, 3), Zeros(5, 3, 1, 1), null, TextWriter.Null).Shape);
        Assert.Equal([2, 4, 3, 5], RunCommand.Execute(Options(TensorLayout.Nhwc), Zeros(2, 4, 3, 3), Zeros(5, 3, 1, 1), null, TextWriter.Null).Shape);
        Assert.Equal([5, 2, 1], RunCommand.Execute(Options(), Zeros(3, 4, 3), Zeros(5, 3, 3, 3), null, TextWriter.Null).Shape);
        Assert.Equal([6, 6, 5], RunCommand.Execute(Options(TensorLayout.Nhwc, groups: 5, padding: "same"), Zeros(6, 6, 5), Zeros(5, 1, 3, 3), null, TextWriter.Null).Shape);
    }

    [Fact]
    public void Nhwc_and_nchw_runs_of_the_same_data_agree_exactly()
    {
        // Integer-valued data: every partial sum is exact, so the layouts must give identical values.
        NpyArray nchw = Iota(1, 3, 4, 5), weights = Iota(2, 3, 3, 3);
        var nhwcData = new float[nchw.Data.Length];
        for (int c = 0; c < 3; c++) for (int y = 0; y < 4; y++) for (int x = 0; x < 5; x++) nhwcData[(y * 5 + x) * 3 + c] = nchw.Data[(c * 4 + y) * 5 + x];
        float[] a = RunCommand.Execute(Options(padding: "1"), nchw, weights, null, TextWriter.Null).Data;
        float[] b = RunCommand.Execute(Options(TensorLayout.Nhwc, padding: "1"), new NpyArray([1, 4, 5, 3], nhwcData), weights, null, TextWriter.Null).Data;
        for (int c = 0; c < 2; c++) for (int y = 0; y < 4; y++) for (int x = 0; x < 5; x++) Assert.Equal(a[(c * 4 + y) * 5 + x], b[(y * 5 + x) * 2 + c]);
    }

    [Theory]
    [InlineData(new[] { 3, 4 }, new[] { 5, 3, 1, 1 }, null, "--input", "must have 4 dimensions (N, C, H, W) or 3 (C, H, W)")]
    [InlineData(new[] { 1, 3, 4, 4 }, new[] { 5, 3, 1 }, null, "--weights", "(5, 3, 1) must have 4 dimensions")]
    [InlineData(new[] { 1, 3, 4, 4 }, new[] { 5, 2, 1, 1 }, null, "--weights", "expect 2 input channels; input (1, 3, 4, 4) (Nchw) has 3")]
    [InlineData(new[] { 1, 3, 4, 4 }, new[] { 5, 3, 1, 1 }, new[] { 4 }, "--bias", "bias (4,) must be (5,)")]
    [InlineData(new[] { 1, 3, 4, 4 }, new[] { 5, 3, 1, 1 }, new[] { 5, 1 }, "--bias", "bias (5, 1) must be (5,)")]
    public void Mismatched_shapes_are_rejected_naming_the_argument_and_shapes(int[] input, int[] weights, int[]? bias, string argument, string expected)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => RunCommand.Execute(Options(), Zeros(input), Zeros(weights), bias is null ? null : Zeros(bias), TextWriter.Null));
        Assert.Equal(argument, e.ParamName);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_kernel_larger_than_the_input_is_rejected_by_the_spec()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => RunCommand.Execute(Options(), Zeros(1, 3, 2, 2), Zeros(5, 3, 3, 3), null, TextWriter.Null));
        Assert.Contains("larger than the padded input", e.Message);
    }

    [Fact]
    public void Run_reads_and_writes_files()
    {
        string dir = Directory.CreateTempSubdirectory("nativeconv-run-").FullName;
        try
        {
            NpyFile.Write(Path.Combine(dir, "x.npy"), Iota(1, 2, 3, 3));
            NpyFile.Write(Path.Combine(dir, "w.npy"), Iota(4, 2, 1, 1));
            NpyFile.Write(Path.Combine(dir, "b.npy"), new NpyArray([4], [1, 2, 3, 4]));
            var options = Options() with { Input = Path.Combine(dir, "x.npy"), Weights = Path.Combine(dir, "w.npy"), Bias = Path.Combine(dir, "b.npy"), Output = Path.Combine(dir, "y.npy") };
            var log = new StringWriter();
            Assert.Equal(0, RunCommand.Run(options, log));
            NpyArray y = NpyFile.Read(options.Output);
            Assert.Equal([1, 4, 3, 3], y.Shape);
            // y[0, 1, 0, 0] = b[1] + sum_c w[1, c] * x[0, c, 0, 0], all small integers: exact.
            float expected = 2 + Iota(4, 2, 1, 1).Data[2] * Iota(1, 2, 3, 3).Data[0] + Iota(4, 2, 1, 1).Data[3] * Iota(1, 2, 3, 3).Data[9];
            Assert.Equal(expected, y.Data[9]);
            Assert.Contains("wrote", log.ToString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
