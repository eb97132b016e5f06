using System.Globalization;
using NativeConv;
using NativeConv.Cli;
using NativeConv.Npy;

// Each command's usage; `nativeconv COMMAND --help` prints its own, `nativeconv --help` all of them.
var usages = new Dictionary<string, string>
{
    ["info"] = """
        nativeconv info [--threads N]
            versions, CPU instruction set, threads, the registered backends, where each native library was loaded from
        """,
    ["compare"] = """
        nativeconv compare [--model v1|v2|all] [--backends onednn,xnnpack] [--layout nhwc|nchw]
                           [--threads N] [--min-ms M] [--precision fp32|bf16|int8|qd8] [--no-check] [--json]
            every MobileNet v1/v2 dw/pw layer on each backend: µs, GFLOP/s, error vs the fp32 reference, implementation;
            bf16: bfloat16 products (oneDNN, AVX512_BF16); int8: uint8 activations and int8 weights (QLinearConv);
            qd8: fp32 in and out, the input quantized per call and pixel (XNNPACK, pointwise layers only)
        """,
    ["run"] = """
        nativeconv run --input x.npy --weights w.npy [--bias b.npy] --output y.npy
                       [--stride S|SH,SW] [--padding P|PH,PW|same|valid] [--dilation D|DH,DW]
                       [--groups G] [--activation none|relu|relu6|hardswish|hardsigmoid|sigmoid|silu|gelu|tanh|clamp:MIN,MAX]
                       [--layout nchw|nhwc] [--backend auto|onednn|xnnpack|reference] [--threads N] [--check]
            one convolution: .npy files are float32 little-endian C order; weights in PyTorch order
            (out, in/groups, kh, kw); input (N,C,H,W) for nchw or (N,H,W,C) for nhwc, with or without N;
            output in the input's layout
        """,
    ["shapes"] = """
        nativeconv shapes [--model v1|v2|all]
            the MobileNet layers as CSV, for the native and PyTorch benchmarks
        """,
    ["net run"] = """
        nativeconv net run --model v1|v1-body|v2|v3-small|v3-large --input x.npy --output y.npy [--weights W.npz]
                           [--layout nchw|nhwc] [--backend auto|onednn|xnnpack|reference] [--threads N] [--seed S]
                           [--plan P.json] [--save-plan P.json] [--plan-dir D] [--planning-ms M] [--no-mix] [--whole]
            a whole MobileNet: W.npz is a PyTorch state_dict under torchvision's names
            (np.savez(path, **{k: v.numpy() for k, v in model.state_dict().items()})); without --weights,
            seeded random weights (said so). Input (N,3,H,W) for nchw or (N,H,W,3) for nhwc, with or
            without N; writes the logits (N,1000) (the v1 body: its feature map, in the input's layout).
            --backend auto (the default) measures in the first call, within --planning-ms (default 250 ms for one
            image, 50 ms more per further image), each backend alone, the per-operation mix of libraries (unless
            --no-mix) and, for a batch, the images shared between threads, and keeps the fastest;
            --plan follows a saved plan if it fits this network, machine and version (else says why and measures);
            --save-plan saves it; --plan-dir D keeps every plan auto measures in D, one file per network, shape,
            layout, machine and configuration, and follows the file for the shape when there is one (a file that
            cannot be read or does not fit is measured again and replaced); --whole (with --backend xnnpack) runs
            the network as one XNNPACK subgraph runtime
        """,
    ["net bench"] = """
        nativeconv net bench --model v1|v1-body|v2|v3-small|v3-large [--weights W.npz] [--layout nchw|nhwc]
                             [--backend auto|onednn|xnnpack|reference] [--threads N] [--batch N] [--seed S]
                             [--min-ms M] [--json] [--explain] [--profile] [--plan P.json] [--save-plan P.json] [--plan-dir D]
                             [--planning-ms M] [--no-mix] [--precision fp32|bf16|int8|qd8] [--whole]
            a whole MobileNet (seeded random weights unless --weights) at 224x224 (the v1 body: 32x112x112):
            the first call's time (it makes the shape's native state; auto plans in it), then the median µs per
            call and images/s; --explain prints the plan and what runs each operation, --profile the µs each took;
            --plan/--save-plan/--plan-dir/--planning-ms/--no-mix as for net run; --precision bf16: bfloat16
            convolutions (oneDNN), int8: the network quantized post-training (uint8 activations; v1, v1-body, v2:
            convolutions, residual adds, the average pool), qd8: pointwise convolutions quantize their input per
            call (XNNPACK), the rest fp32; --whole (with --backend xnnpack): the network as one XNNPACK subgraph runtime
        """,
    ["net plans"] = """
        nativeconv net plans --model v1|v1-body|v2|v3-small|v3-large [--weights W.npz] [--layout nchw|nhwc] [--threads N]
                             [--batch N] [--seed S] [--rounds R] [--block-ms B] [--planning-ms M] [--no-mix] [--json]
            auto against each backend alone, in one process: the network planned by auto, and on each native backend
            alone (operation by operation; and whole where the backend can), timed in R rounds (default 15) of
            rotating blocks of at least B ms (default 150); the median of the rounds' auto / fastest-alone ratios
        """,
    ["onnx run"] = """
        nativeconv onnx run --model M.onnx --input x.npy --output y.npy [--backend auto|onednn|xnnpack|reference]
                            [--layout nchw|nhwc] [--threads N] [--plan-dir D]
        nativeconv onnx run --model M.onnx --inputs a=x.npy,b=y.npy --output-dir D [...]
            an ONNX model (opsets 11-18) on .npy inputs by the graph's input names, writing each output as .npy
            (--output-dir: one D/NAME.npy per output name). Inputs (N,C,H,W), or (N,H,W,C) with --layout nhwc for a
            graph whose input is NCHW; N may be left out. Everything the model uses that NativeConv cannot run is
            listed when it loads; --backend and --plan-dir as for net run
        """,
    ["onnx bench"] = """
        nativeconv onnx bench --model M.onnx [--batch N] [--size HxW] [--backend auto|onednn|xnnpack|reference]
                              [--layout nchw|nhwc] [--threads N] [--min-ms M] [--seed S] [--plan-dir D] [--json] [--explain]
            an ONNX model of one input on seeded input at batch N (height and width from the file, or --size for
            symbolic ones): the first call's time, then the median µs per call and images/s (--json: median_us,
            images_per_s, like net bench); --explain prints the plan and what runs each operation
        """,
    ["onnx inspect"] = """
        nativeconv onnx inspect --model M.onnx [--batch N] [--size HxW] [--backend auto|onednn|xnnpack|reference]
                                [--layout nchw|nhwc] [--threads N]
            what the model became: its inputs and outputs, each ONNX node and what it became (an operation, fused
            into one, folded into a constant, removed), and the network's operations with the library that runs each
            (after one call on seeded input when the input's size is known)
        """,
};
string AllUsages() => "usage:\n" + string.Join("\n", usages.Values.Select(u => "  " + u.TrimEnd().Replace("\n", "\n  ")));

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine(AllUsages());
    return args.Length == 0 ? 2 : 0;
}
string command = args[0] is "net" or "onnx" && args.Length > 1 && !args[1].StartsWith('-') ? $"{args[0]} {args[1]}" : args[0];
int first = command.Contains(' ') ? 2 : 1;
if (args.Skip(first).Any(a => a is "-h" or "--help"))
{
    if (!usages.TryGetValue(command, out string? usage))
    {
        Console.Error.WriteLine($"nativeconv: unknown command '{command}'\n{AllUsages()}");
        return 2;
    }
    Console.WriteLine("usage: " + usage.TrimEnd());
    return 0;
}
try
{
    switch (command)
    {
        case "info":
            return InfoCommand.Run(new CommandLine(args, first, ["--threads"], []).GetInt("--threads", 0));
        case "compare":
        {
            var line = new CommandLine(args, first, ["--model", "--backends", "--layout", "--threads", "--min-ms", "--precision"], ["--json", "--no-check"]);
            string precision = line.Get("--precision", "fp32");
            if (precision is not ("fp32" or "bf16" or "int8" or "qd8")) throw new ArgumentException($"--precision must be fp32, bf16, int8 or qd8, not '{precision}'");
            string layout = line.Get("--layout", "nhwc");
            var options = new CompareCommand.Options(Models(line.Get("--model", "all")),
                line.Get("--backends", "onednn,xnnpack").Split(',', StringSplitOptions.RemoveEmptyEntries),
                RunOptions.ParseLayout(layout),
                line.GetInt("--threads", 0),
                double.Parse(line.Get("--min-ms", "100"), CultureInfo.InvariantCulture),
                !line.Has("--no-check"),
                line.Has("--json"),
                precision);
            return CompareCommand.Run(options);
        }
        case "run":
            return RunCommand.Run(RunOptions.Parse(new CommandLine(args, first, RunOptions.ValueFlags, RunOptions.Switches)), Console.Error);
        case "shapes":
            return ShapesCommand.Run(Models(new CommandLine(args, first, ["--model"], []).Get("--model", "all")), Console.Out);
        case "net run":
            return NetRunCommand.Run(NetOptions.Parse(new CommandLine(args, first, NetOptions.RunFlags, NetOptions.RunSwitches), run: true), Console.Error);
        case "net bench":
            return NetBenchCommand.Run(NetOptions.Parse(new CommandLine(args, first, NetOptions.BenchFlags, NetOptions.BenchSwitches), run: false), Console.Out, Console.Error);
        case "net plans":
            return NetPlansCommand.Run(new CommandLine(args, first, NetOptions.PlansFlags, NetOptions.PlansSwitches), Console.Out, Console.Error);
        case "onnx run":
            return OnnxRunCommand.Run(new CommandLine(args, first, OnnxOptions.RunFlags, []), Console.Error);
        case "onnx bench":
            return OnnxBenchCommand.Run(new CommandLine(args, first, OnnxOptions.BenchFlags, OnnxOptions.BenchSwitches), Console.Out, Console.Error);
        case "onnx inspect":
            return OnnxInspectCommand.Run(new CommandLine(args, first, OnnxOptions.InspectFlags, []), Console.Out);
        default:
            throw new ArgumentException($"unknown command '{command}'");
    }
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    string usage = usages.TryGetValue(command, out string? u) ? "usage: " + u.TrimEnd() : AllUsages();
    Console.Error.WriteLine($"nativeconv: {e.Message}\n{usage}");
    return 2;
}
catch (Exception e) when (e is NpyFormatException or StateDictException or NativeConv.Onnx.OnnxFormatException or KeyNotFoundException or IOException or NotSupportedException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"nativeconv: {e.Message}");
    return 1;
}

static string[] Models(string model) => model switch
{
    "all" => ["v1", "v2"],
    "v1" or "v2" => [model],
    _ => throw new ArgumentException($"--model must be v1, v2 or all, not '{model}'"),
};
