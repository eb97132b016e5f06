using System.Text.Json;
using NativeConv.Cli;
using NativeConv.Npy;
using Xunit;

namespace NativeConv.Onnx.Tests;

/// <summary>
/// `nativeconv onnx run`, `onnx bench` and `onnx inspect` on small models written to files: outputs by name through
/// the library's writer, layouts, several inputs and outputs, the JSON of bench, the report of inspect, and a model
/// that cannot run refused with exit code 1 and every node named.
/// </summary>
public class OnnxCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nativeconv-onnx-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(ModelBuilder model, string name = "model.onnx")
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, model.Bytes());
        return path;
    }

    private string Npy(string name, float[] data, params int[] shape)
    {
        string path = Path.Combine(_dir, name);
        NpyFile.Write(path, new NpyArray(shape, data));
        return path;
    }

    private static float[] Seeded(int n, int seed = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    private static int Run(params string[] args) => OnnxRunCommand.Run(new CommandLine(["onnx", "run", .. args], 2, OnnxOptions.RunFlags, []), TextWriter.Null);

    [Fact]
    public void Run_writes_the_model_s_output_as_the_library_computes_it()
    {
        string model = Write(SmallModels.Classifier());
        float[] x = Seeded(2 * 2 * 5 * 5);
        Assert.Equal(0, Run("--model", model, "--input", Npy("x.npy", x, 2, 2, 5, 5), "--output", Path.Combine(_dir, "y.npy"), "--backend", "reference"));
        NpyArray y = NpyFile.Read(Path.Combine(_dir, "y.npy"));
        using OnnxModel direct = SmallModels.Load(SmallModels.Classifier().Bytes());
        OnnxTensor expected = direct.Run(new Dictionary<string, OnnxTensor> { ["x"] = new(x, [2, 2, 5, 5]) })["y"];
        Assert.Equal(expected.Shape, y.Shape);
        Assert.Equal(expected.Data.ToArray(), y.Data);
    }

    [Fact]
    public void Run_takes_inputs_by_name_and_writes_one_file_per_output_in_either_layout()
    {
        string model = Write(MappingCases.All.Single(c => c.Name == "two-inputs-two-outputs").Build());
        float[] left = Seeded(2 * 3 * 4 * 3, 2), right = Seeded(2 * 2 * 4 * 3, 3);
        string nchw = Path.Combine(_dir, "nchw"), nhwc = Path.Combine(_dir, "nhwc");
        Directory.CreateDirectory(nchw);
        Directory.CreateDirectory(nhwc);
        Assert.Equal(0, Run("--model", model, "--inputs", $"left={Npy("l.npy", left, 2, 3, 4, 3)},right={Npy("r.npy", right, 2, 2, 4, 3)}", "--output-dir", nchw, "--backend", "reference"));
        Assert.Equal(0, Run("--model", model, "--inputs", $"left={Npy("l_nhwc.npy", ToNhwc(left, 2, 3, 4, 3), 2, 4, 3, 3)},right={Npy("r_nhwc.npy", ToNhwc(right, 2, 2, 4, 3), 2, 4, 3, 2)}",
            "--output-dir", nhwc, "--backend", "reference", "--layout", "nhwc"));
        NpyArray sum = NpyFile.Read(Path.Combine(nchw, "sum.npy")), sumNhwc = NpyFile.Read(Path.Combine(nhwc, "sum.npy"));
        Assert.Equal([2, 4, 4, 3], sum.Shape);
        Assert.Equal([2, 4, 3, 4], sumNhwc.Shape);
        Assert.Equal(ToNhwc(sum.Data, 2, 4, 4, 3), sumNhwc.Data);
        Assert.Equal([2, 4], NpyFile.Read(Path.Combine(nchw, "pooled.npy")).Shape);
        Assert.Equal(NpyFile.Read(Path.Combine(nchw, "pooled.npy")).Data, NpyFile.Read(Path.Combine(nhwc, "pooled.npy")).Data);
        var e = Assert.Throws<ArgumentException>(() => Run("--model", model, "--input", Npy("one.npy", left, 2, 3, 4, 3), "--output", Path.Combine(_dir, "o.npy")));
        Assert.Contains("the model has 2 inputs (left, right): use --inputs", e.Message);
    }

    [Fact]
    public void Bench_reports_median_microseconds_and_images_per_second_as_json()
    {
        string model = Write(SmallModels.Classifier());
        var output = new StringWriter();
        Assert.Equal(0, OnnxBenchCommand.Run(new CommandLine(["onnx", "bench", "--model", model, "--batch", "3", "--backend", "reference", "--min-ms", "20", "--json"], 2,
            OnnxOptions.BenchFlags, OnnxOptions.BenchSwitches), output, TextWriter.Null));
        using JsonDocument json = JsonDocument.Parse(output.ToString());
        Assert.Equal(3, json.RootElement.GetProperty("batch").GetInt32());
        Assert.True(json.RootElement.GetProperty("median_us").GetDouble() > 0);
        Assert.True(json.RootElement.GetProperty("images_per_s").GetDouble() > 0);
        Assert.Equal([3, 2, 5, 5], json.RootElement.GetProperty("input").EnumerateArray().Select(e => e.GetInt32()).ToArray());
    }

    [Fact]
    public void Bench_needs_a_size_for_a_symbolic_height_and_width()
    {
        string model = Write(MappingCases.All.Single(c => c.Name == "residual-add-relu").Build());
        var e = Assert.Throws<ArgumentException>(() => OnnxBenchCommand.Run(new CommandLine(["onnx", "bench", "--model", model, "--backend", "reference"], 2,
            OnnxOptions.BenchFlags, OnnxOptions.BenchSwitches), TextWriter.Null, TextWriter.Null));
        Assert.Contains("give --size HxW", e.Message);
        Assert.Equal(0, OnnxBenchCommand.Run(new CommandLine(["onnx", "bench", "--model", model, "--backend", "reference", "--size", "6x7", "--min-ms", "10"], 2,
            OnnxOptions.BenchFlags, OnnxOptions.BenchSwitches), TextWriter.Null, TextWriter.Null));
    }

    [Fact]
    public void Inspect_shows_what_each_node_became_and_what_runs_each_operation()
    {
        string model = Write(MappingCases.All.Single(c => c.Name == "conv-batchnorm-relu").Build());
        var output = new StringWriter();
        Assert.Equal(0, OnnxInspectCommand.Run(new CommandLine(["onnx", "inspect", "--model", model, "--size", "6x5", "--backend", "reference"], 2, OnnxOptions.InspectFlags, []), output));
        string text = output.ToString();
        Assert.Contains("BatchNormalization 'bn' -> fused into Conv 'c'", text);
        Assert.Contains("Relu 'y' -> fused into Conv 'c'", text);
        Assert.Contains("as run on [1x3x6x5]", text);
        Assert.Contains("reference", text);
    }

    [SkippableFact]
    public void Inspect_shows_the_split_concat_and_shuffle_ShuffleNet_s_unit_became()
    {
        TestBackends.GetOrSkip(XnnpackBackend.BackendName);
        string model = Write(MappingCases.All.Single(c => c.Name == "shufflenet-unit-as-exported").Build());
        var output = new StringWriter();
        Assert.Equal(0, OnnxInspectCommand.Run(new CommandLine(["onnx", "inspect", "--model", model, "--size", "6x5", "--backend", "xnnpack"], 2, OnnxOptions.InspectFlags, []), output));
        string text = output.ToString();
        Assert.Contains("Slice 'left' -> fused into Split 'left': left: split along channels into 4 + 4 (c -> left:0, left:1)", text);
        Assert.Contains("Slice 'right' -> fused into Split 'left'", text);
        Assert.Contains("Concat 'cat' -> cat: concat along channels (4 + 4) (left:0, b3 -> cat)", text);
        Assert.Contains("Reshape 'r5' -> fused into nativeconv.ChannelShuffle 't': t: channel shuffle, 2 groups (cat -> t)", text);
        // The network's part: each operation with the library that runs it, after a call on [1x8x6x5].
        Assert.Contains("as run on [1x8x6x5]", text);
        Assert.Matches(@"\n  left: split along channels into 4 \+ 4 -> \S", text);
        Assert.Matches(@"\n  t: channel shuffle, 2 groups -> \S", text);
    }

    [SkippableFact]
    public void Bench_explain_shows_the_pools_and_resize_a_model_became()
    {
        TestBackends.GetOrSkip(OneDnnBackend.BackendName);
        var m = new ModelBuilder();
        m.Input("x", "N", 3, 12, 12);
        m.Op("MaxPool", "pool", ["x"], ("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 }));
        m.Op("AveragePool", "avg", ["pool"], ("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 2 }), ("ceil_mode", 1L));
        m.Op("Resize", "y", ["avg", "", m.Float("scales", [4], [1, 1, 2, 2])], ("mode", "linear"), ("coordinate_transformation_mode", "pytorch_half_pixel"));
        m.Output("y", "N", 3, 6, 6);
        var output = new StringWriter();
        Assert.Equal(0, OnnxBenchCommand.Run(new CommandLine(["onnx", "bench", "--model", Write(m), "--backend", "onednn", "--min-ms", "10", "--explain"], 2,
            OnnxOptions.BenchFlags, OnnxOptions.BenchSwitches), output, TextWriter.Null));
        string text = output.ToString();
        Assert.Matches(@"\n  pool: max pool 3x3 stride 2 padding 1 -> \S", text);
        Assert.Matches(@"\n  avg: average pool 2x2 stride 2 ceil mode \(padding not counted\) -> \S", text);
        Assert.Matches(@"\n  y: resize bilinear by 2x2, pytorch-half-pixel -> \S", text);
    }

    [Fact]
    public void A_model_that_cannot_run_exits_1_naming_every_node_and_every_command_has_help()
    {
        var m = new ModelBuilder();
        m.Input("x", "N", 4, "H", "W");
        m.Op("Softmax", "s", ["x"]);
        m.Op("Erf", "y", ["s"]); // an erf outside GELU's pattern
        m.Output("y", "N", 4, "H", "W");
        string model = Write(m);
        string cli = Path.Combine(AppContext.BaseDirectory, "NativeConv.Cli.dll");
        var (code, _, error) = Command.Run("dotnet", cli, "onnx", "run", "--model", model, "--input", Npy("x.npy", Seeded(16), 1, 4, 2, 2), "--output", Path.Combine(_dir, "y.npy"));
        Assert.Equal(1, code);
        Assert.Contains("2 node(s) cannot run on NativeConv", error);
        Assert.Contains("Softmax 's': Softmax is not supported", error);
        Assert.Contains("Erf 'y'", error);
        Assert.False(File.Exists(Path.Combine(_dir, "y.npy")));
        foreach (string command in new[] { "run", "bench", "inspect" })
        {
            var (helpCode, usage, _) = Command.Run("dotnet", cli, "onnx", command, "--help");
            Assert.Equal(0, helpCode);
            Assert.Contains($"nativeconv onnx {command} --model M.onnx", usage);
        }
    }

    private static float[] ToNhwc(float[] nchw, int n, int c, int h, int w)
    {
        var nhwc = new float[nchw.Length];
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                for (int p = 0; p < h * w; p++)
                    nhwc[(b * h * w + p) * c + ch] = nchw[(b * c + ch) * h * w + p];
        return nhwc;
    }
}
