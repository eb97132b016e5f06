using System.Globalization;
using NativeConv.Onnx;

namespace NativeConv.Cli;

/// <summary>`nativeconv onnx run`, `onnx bench` and `onnx inspect` arguments.</summary>
internal sealed record OnnxOptions(string Model, string Backend, TensorLayout Layout, int Threads, string? PlanDirectory)
{
    public static readonly string[] RunFlags = ["--model", "--input", "--output", "--inputs", "--output-dir", "--backend", "--layout", "--threads", "--plan-dir"];

    public static readonly string[] BenchFlags = ["--model", "--batch", "--size", "--backend", "--layout", "--threads", "--min-ms", "--seed", "--plan-dir"];

    public static readonly string[] BenchSwitches = ["--json", "--explain"];

    public static readonly string[] InspectFlags = ["--model", "--batch", "--size", "--backend", "--layout", "--threads"];

    public static OnnxOptions Parse(CommandLine line)
    {
        int threads = line.GetInt("--threads", 0);
        if (threads < 0) throw new ArgumentException($"--threads must be 0 or more, not {threads}");
        return new OnnxOptions(line.Require("--model"), line.Get("--backend", NetworkOptions.Auto), RunOptions.ParseLayout(line.Get("--layout", "nchw")),
            threads, line.Get("--plan-dir"));
    }

    /// <summary>The model, loaded on the chosen backend and layout (every unsupported node refused here, with the file's errors).</summary>
    public OnnxModel Load()
    {
        if (Backend != NetworkOptions.Auto && PlanDirectory is not null) throw new ArgumentException("--plan-dir needs --backend auto: a plan chooses the backends", "--plan-dir");
        return OnnxModel.Load(Model, new OnnxModelOptions
        {
            BackendOptions = new NativeConvOptions { Threads = Threads },
            Network = new NetworkOptions { Backend = Backend, Layout = Layout, Threads = Threads, PlanDirectory = PlanDirectory },
        });
    }

    /// <summary>
    /// A shape for the model's one input (call layout): fixed dimensions from the file, the batch from --batch, a
    /// symbolic height and width from --size HxW.
    /// </summary>
    public static int[] InputShape(OnnxModel model, CommandLine line)
    {
        if (model.Inputs.Count != 1) throw new ArgumentException($"the model has {model.Inputs.Count} inputs ({string.Join(", ", model.Inputs.Select(i => i.Name))}): this command takes one");
        OnnxTensorInfo input = model.Inputs[0];
        int batch = line.GetInt("--batch", input.Dimensions[0].Size is { } n ? (int)n : 1);
        if (batch < 1) throw new ArgumentException($"--batch must be at least 1, not {batch}");
        int[] size = line.Get("--size") is { } text ? ParseSize(text) : [];
        int Dim(int axis)
        {
            if (input.Dimensions[axis].Size is { } fixedSize)
            {
                if (size.Length == 2 && size[axis - 2] != fixedSize) throw new ArgumentException($"--size {line.Get("--size")}: the model fixes {input}");
                return (int)fixedSize;
            }
            return size.Length == 2 ? size[axis - 2] : throw new ArgumentException($"the model's input {input} has a symbolic height or width: give --size HxW");
        }
        int c = (int)input.Dimensions[1].Size!.Value, h = Dim(2), w = Dim(3);
        return model.Layout == TensorLayout.Nchw ? [batch, c, h, w] : [batch, h, w, c];
    }

    private static int[] ParseSize(string text)
    {
        string[] parts = text.Split('x', ',');
        return parts.Length == 2 && parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0)
            ? parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray()
            : throw new ArgumentException($"--size must be HxW (e.g. 224x224), not '{text}'");
    }
}
