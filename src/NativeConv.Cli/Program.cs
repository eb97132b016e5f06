using System.Globalization;
using NativeConv;
using NativeConv.Cli;
using NativeConv.Npy;

const string Usage = """
    usage: nativeconv info    [--threads N]
           nativeconv compare [--model v1|v2|all] [--backends onednn,xnnpack] [--layout nhwc|nchw]
                              [--threads N] [--min-ms M] [--no-check] [--json]
           nativeconv run     --input x.npy --weights w.npy [--bias b.npy] --output y.npy
                              [--stride S|SH,SW] [--padding P|PH,PW|same|valid] [--dilation D|DH,DW]
                              [--groups G] [--activation none|relu|relu6|hardswish|hardsigmoid|clamp:MIN,MAX]
                              [--layout nchw|nhwc] [--backend auto|onednn|xnnpack|reference]
                              [--threads N] [--check]
           nativeconv shapes  [--model v1|v2|all]      (the MobileNet layers as CSV, for the native and PyTorch benchmarks)
    run: .npy files are float32 little-endian C order; weights in PyTorch order (out, in/groups, kh, kw);
         input (N,C,H,W) for nchw or (N,H,W,C) for nhwc, with or without N; output in the input's layout.
    """;
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}
try
{
    switch (args[0])
    {
        case "info":
            return InfoCommand.Run(new CommandLine(args, 1, ["--threads"], []).GetInt("--threads", 0));
        case "compare":
        {
            var line = new CommandLine(args, 1, ["--model", "--backends", "--layout", "--threads", "--min-ms"], ["--json", "--no-check"]);
            string layout = line.Get("--layout", "nhwc");
            var options = new CompareCommand.Options(Models(line.Get("--model", "all")),
                line.Get("--backends", "onednn,xnnpack").Split(',', StringSplitOptions.RemoveEmptyEntries),
                RunOptions.ParseLayout(layout),
                line.GetInt("--threads", 0),
                double.Parse(line.Get("--min-ms", "100"), CultureInfo.InvariantCulture),
                !line.Has("--no-check"),
                line.Has("--json"));
            return CompareCommand.Run(options);
        }
        case "run":
            return RunCommand.Run(RunOptions.Parse(new CommandLine(args, 1, RunOptions.ValueFlags, RunOptions.Switches)), Console.Error);
        case "shapes":
            return ShapesCommand.Run(Models(new CommandLine(args, 1, ["--model"], []).Get("--model", "all")), Console.Out);
        default:
            throw new ArgumentException($"unknown command '{args[0]}'");
    }
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"nativeconv: {e.Message}\n{Usage}");
    return 2;
}
catch (Exception e) when (e is NpyFormatException or IOException or NotSupportedException or UnauthorizedAccessException)
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
