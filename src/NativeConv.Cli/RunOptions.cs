using System.Globalization;

namespace NativeConv.Cli;

/// <summary>
/// `nativeconv run` arguments, spelled like <c>torch.nn.functional.conv2d</c>'s: stride, padding
/// (an int, "h,w", "same" or "valid"), dilation, groups; plus the fused activation, layout and backend.
/// </summary>
internal sealed record RunOptions(
    string Input, string Weights, string? Bias, string Output,
    Size2D Stride, Padding2D Padding, Size2D Dilation, int Groups, Activation Activation,
    TensorLayout Layout, string Backend, int Threads, bool Check)
{
    public static readonly string[] ValueFlags =
        ["--input", "--weights", "--bias", "--output", "--stride", "--padding", "--dilation", "--groups", "--activation", "--layout", "--backend", "--threads"];

    public static readonly string[] Switches = ["--check"];

    public static RunOptions Parse(CommandLine line) => new(
        line.Require("--input"), line.Require("--weights"), line.Get("--bias"), line.Require("--output"),
        ParsePair(line.Get("--stride", "1"), "--stride", minimum: 1),
        ParsePadding(line.Get("--padding", "0")),
        ParsePair(line.Get("--dilation", "1"), "--dilation", minimum: 1),
        line.GetInt("--groups", 1),
        ParseActivation(line.Get("--activation", "none")),
        ParseLayout(line.Get("--layout", "nchw")),
        line.Get("--backend", "auto"),
        line.GetInt("--threads", 0),
        line.Has("--check"));

    /// <summary>"2" → 2x2, "2,1" → height 2, width 1 (PyTorch's int or (h, w) tuple).</summary>
    public static Size2D ParsePair(string text, string flag, int minimum)
    {
        string[] parts = text.Split(',');
        if (parts.Length is < 1 or > 2) throw new ArgumentException($"{flag} must be N or H,W, not '{text}'");
        int[] values = parts.Select(p => int.TryParse(p.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= minimum ? v
            : throw new ArgumentException($"{flag} must be integers of at least {minimum}, not '{text}'")).ToArray();
        return new Size2D(values[0], values[^1]);
    }

    public static Padding2D ParsePadding(string text)
    {
        if (text == "same") return Padding2D.Same;
        if (text == "valid") return Padding2D.Valid;
        string[] parts = text.Split(',');
        int[] values = parts.Length is 1 or 2
            ? parts.Select(p => int.TryParse(p.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= 0 ? v : -1).ToArray()
            : [-1];
        if (values.Any(v => v < 0)) throw new ArgumentException($"--padding must be N, H,W (non-negative integers), same or valid, not '{text}'");
        return Padding2D.Symmetric(values[0], values[^1]);
    }

    /// <summary>none, relu, relu6, hardswish, hardsigmoid, sigmoid, silu, gelu (PyTorch's erf form), tanh, or clamp:MIN,MAX.</summary>
    public static Activation ParseActivation(string text)
    {
        if (text.StartsWith("clamp:", StringComparison.Ordinal))
        {
            string[] bounds = text["clamp:".Length..].Split(',');
            if (bounds.Length != 2
                || !float.TryParse(bounds[0], NumberStyles.Float, CultureInfo.InvariantCulture, out float min)
                || !float.TryParse(bounds[1], NumberStyles.Float, CultureInfo.InvariantCulture, out float max))
                throw new ArgumentException($"--activation clamp needs two numbers, as in clamp:-1,1, not '{text}'");
            return Activation.Clamp(min, max);
        }
        return text switch
        {
            "none" => Activation.None,
            "relu" => Activation.ReLU,
            "relu6" => Activation.ReLU6,
            "hardswish" => Activation.HardSwish,
            "hardsigmoid" => Activation.HardSigmoid,
            "sigmoid" => Activation.Sigmoid,
            "silu" => Activation.SiLU,
            "gelu" => Activation.GELU,
            "tanh" => Activation.Tanh,
            _ => throw new ArgumentException($"--activation must be none, relu, relu6, hardswish, hardsigmoid, sigmoid, silu, gelu, tanh or clamp:MIN,MAX, not '{text}'"),
        };
    }

    public static TensorLayout ParseLayout(string text) => text switch
    {
        "nchw" => TensorLayout.Nchw,
        "nhwc" => TensorLayout.Nhwc,
        _ => throw new ArgumentException($"--layout must be nchw or nhwc, not '{text}'"),
    };
}
