using NativeConv;
using NativeConv.Cli;

// nativeconv info    [--threads N]
// nativeconv compare [--model v1|v2|all] [--backends a,b] [--layout nhwc|nchw] [--threads N] [--min-ms M] [--no-check] [--json]
const string Usage = """
    usage: nativeconv info [--threads N]
           nativeconv compare [--model v1|v2|all] [--backends onednn,xnnpack] [--layout nhwc|nchw]
                              [--threads N] [--min-ms M] [--no-check] [--json]
    """;
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}
try
{
    var flags = new Dictionary<string, string>(StringComparer.Ordinal);
    for (int i = 1; i < args.Length; i++)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument '{args[i]}'");
        bool isSwitch = args[i] is "--json" or "--no-check";
        flags[args[i]] = isSwitch ? "true" : i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    }
    int threads = flags.TryGetValue("--threads", out string? t) ? int.Parse(t) : 0;
    switch (args[0])
    {
        case "info":
            return InfoCommand.Run(threads);
        case "compare":
            string model = flags.GetValueOrDefault("--model", "all");
            string[] models = model switch
            {
                "all" => ["v1", "v2"],
                "v1" or "v2" => [model],
                _ => throw new ArgumentException($"--model must be v1, v2 or all, not '{model}'"),
            };
            string layout = flags.GetValueOrDefault("--layout", "nhwc");
            var options = new CompareCommand.Options(models,
                flags.GetValueOrDefault("--backends", "onednn,xnnpack").Split(',', StringSplitOptions.RemoveEmptyEntries),
                layout switch
                {
                    "nhwc" => TensorLayout.Nhwc,
                    "nchw" => TensorLayout.Nchw,
                    _ => throw new ArgumentException($"--layout must be nhwc or nchw, not '{layout}'"),
                },
                threads,
                flags.TryGetValue("--min-ms", out string? ms) ? double.Parse(ms, System.Globalization.CultureInfo.InvariantCulture) : 100,
                !flags.ContainsKey("--no-check"),
                flags.ContainsKey("--json"));
            return CompareCommand.Run(options);
        default:
            throw new ArgumentException($"unknown command '{args[0]}'");
    }
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"nativeconv: {e.Message}\n{Usage}");
    return 2;
}
