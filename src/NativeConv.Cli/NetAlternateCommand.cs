using System.Globalization;
using System.Text.Json;

namespace NativeConv.Cli;

/// <summary>
/// `nativeconv net alternate`: what sharing the cores costs each convolution when the two libraries alternate. Three
/// plans of one network, operation by operation and unfused so their operations match one to one: every convolution on
/// oneDNN, every one on XNNPACK, and the two alternating (oneDNN, XNNPACK, oneDNN, ...). They are profiled in one process
/// in rotating rounds (a pause, so the previous plan's idle threads have stopped spinning, a few untimed calls, then each
/// operation timed over a block of calls), and each convolution of the alternating plan is compared, round by round, with
/// the same convolution on the same library in the single-library plan: separate processes seconds apart drift by more
/// than the 5% asked.
/// </summary>
internal static class NetAlternateCommand
{
    private const int SettleMilliseconds = 30;
    private const int UntimedCalls = 3;

    public static int Run(CommandLine line, TextWriter output, TextWriter log)
    {
        NetOptions options = NetOptions.Parse(line, run: false);
        int rounds = line.GetInt("--rounds", 9);
        if (rounds < 1) throw new ArgumentException($"--rounds must be at least 1, not {rounds}", "--rounds");
        int calls = line.GetInt("--calls", 30);
        if (calls < 1) throw new ArgumentException($"--calls must be at least 1, not {calls}", "--calls");
        IReadOnlyList<NetworkBlock> blocks = options.LoadBlocks(log);
        var (channels, height, width) = MobileNets.InputSize(options.Model);
        var shape = new TensorShape(options.Batch, channels, height, width);
        using var backends = new ConvBackends(new NativeConvOptions { Threads = options.Threads });
        string[] libraries = [OneDnnBackend.BackendName, XnnpackBackend.BackendName];
        foreach (string name in libraries)
            if (!backends.TryGet(name, out _, out string? why)) throw new NotSupportedException($"net alternate needs both libraries; '{name}' does not load here: {why}");

        using AlignedFloatBuffer input = options.SeededInput(shape);

        // A plan gives the network's fingerprint and its convolutions' count; the three plans are edited from it. Planned over
        // one library, so nothing is measured (over both, auto would spend about 2 s choosing a plan that is then discarded).
        NetworkPlan template;
        using (var single = new ConvNetwork(blocks, backends, options.Layout, candidates: [libraries[0]]))
        using (var result = new AlignedFloatBuffer(single.OutputShape(shape).Length))
        {
            single.Forward(input.Span, result.Span, shape.Batch, shape.Height, shape.Width);
            template = single.PlanFor(shape.Batch, shape.Height, shape.Width)!;
        }
        NetworkPlan Edited(string chosen, Func<int, string> backendOf) => template with
        {
            Chosen = chosen, Backends = Enumerable.Range(0, template.Backends.Count).Select(backendOf).ToList(),
            FuseResidualSums = false, WholeNetwork = false, MeasuredMicroseconds = new Dictionary<string, double>(),
        };
        NetworkPlan[] plans = [Edited("onednn alone", _ => libraries[0]), Edited("xnnpack alone", _ => libraries[1]), Edited("alternating", c => libraries[c % 2])];

        var networks = new List<ConvNetwork>();
        try
        {
            foreach (NetworkPlan plan in plans)
            {
                var network = new ConvNetwork(blocks, backends, options.Layout, plan);
                networks.Add(network);
                if (network.PlanRejection is { } why) throw new InvalidOperationException($"the '{plan.Chosen}' plan was refused: {why}");
            }
            using var result = new AlignedFloatBuffer(networks[0].OutputShape(shape).Length);
            // [plan][round]: each operation's mean µs in that round's block, and what ran it.
            var profiles = plans.Select(_ => new IReadOnlyList<(string Operation, string RunsOn, double Microseconds)>[rounds]).ToArray();
            for (int round = 0; round < rounds; round++)
                for (int place = 0; place < networks.Count; place++)
                {
                    int p = (round + place) % networks.Count;
                    Thread.Sleep(SettleMilliseconds);
                    for (int i = 0; i < UntimedCalls; i++) networks[p].Forward(input.Span, result.Span, shape.Batch, shape.Height, shape.Width);
                    profiles[p][round] = networks[p].Profile(input.Span, result.Span, shape.Batch, shape.Height, shape.Width, calls);
                }
            Report(options, output, rounds, calls, profiles);
            return 0;
        }
        finally
        {
            foreach (ConvNetwork network in networks) network.Dispose();
        }
    }

    /// <summary>The library after "-> " in an operation's description, e.g. "onednn" (small operations: "managed").</summary>
    private static string LibraryOf(string runsOn) => runsOn[(runsOn.LastIndexOf("-> ", StringComparison.Ordinal) + 3)..].Split(' ')[0];

    private static void Report(NetOptions options, TextWriter output, int rounds, int calls,
        IReadOnlyList<(string Operation, string RunsOn, double Microseconds)>[][] profiles)
    {
        const int OneDnn = 0, Xnnpack = 1, Alternating = 2;
        var rows = new List<(string Operation, string Library, double Ratio, double AloneUs, double AlternatingUs)>();
        var alternating = profiles[Alternating];
        for (int op = 0; op < alternating[0].Count; op++)
        {
            string library = LibraryOf(alternating[0][op].RunsOn);
            int alone = library == OneDnnBackend.BackendName ? OneDnn : library == XnnpackBackend.BackendName ? Xnnpack : -1;
            if (alone < 0) continue; // a small operation: managed code in every plan
            if (profiles[alone][0][op].Operation != alternating[0][op].Operation) // unfused plans of one network list the same operations
                throw new InvalidOperationException($"operation {op} is '{alternating[0][op].Operation}' alternating but '{profiles[alone][0][op].Operation}' alone");
            double[] ratios = Enumerable.Range(0, rounds).Select(r => alternating[r][op].Microseconds / profiles[alone][r][op].Microseconds).ToArray();
            rows.Add((alternating[0][op].Operation, library, BlockTiming.Median(ratios),
                BlockTiming.Median(Enumerable.Range(0, rounds).Select(r => profiles[alone][r][op].Microseconds)),
                BlockTiming.Median(Enumerable.Range(0, rounds).Select(r => alternating[r][op].Microseconds))));
        }
        double Total(int plan) => BlockTiming.Median(Enumerable.Range(0, rounds).Select(r => profiles[plan][r].Sum(o => o.Microseconds)));
        double median = BlockTiming.Median(rows.Select(r => r.Ratio));
        var worst = rows.MaxBy(r => r.Ratio);
        int above = rows.Count(r => r.Ratio > 1.05);
        string model = MobileNets.NameOf(options.Model), layout = options.Layout.ToString().ToLowerInvariant();
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        if (options.Json)
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                model, layout, threads, rounds, calls,
                onednn_us = Math.Round(Total(OneDnn), 1), xnnpack_us = Math.Round(Total(Xnnpack), 1), alternating_us = Math.Round(Total(Alternating), 1),
                convolutions = rows.Count, ratio_median = Math.Round(median, 4), ratio_worst = Math.Round(worst.Ratio, 4), worst = worst.Operation,
                above_1_05 = above,
                per_convolution = rows.Select(r => new { operation = r.Operation, library = r.Library, ratio = Math.Round(r.Ratio, 4), alone_us = Math.Round(r.AloneUs, 2), alternating_us = Math.Round(r.AlternatingUs, 2) }),
            }));
            return;
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{model} {layout}, {threads} thread(s), {rounds} rounds of {calls} profiled calls per plan in one process: alternating {Total(Alternating):0} µs in operations (oneDNN alone {Total(OneDnn):0}, XNNPACK alone {Total(Xnnpack):0})"));
        foreach (var r in rows)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {r.Ratio,6:0.000}  {r.AlternatingUs,8:0.0} µs vs {r.AloneUs,8:0.0} µs alone  {r.Operation} [{r.Library}]"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  per convolution, alternating / same library alone (median of rounds): median {median:0.000}, worst {worst.Ratio:0.000} ({worst.Operation}), {above} of {rows.Count} above 1.05"));
    }
}
