using System.Globalization;
using System.Text.Json;

namespace NativeConv.Cli;

/// <summary>
/// `nativeconv net plans`: is `auto` as fast as the best backend alone? The network planned by `auto` and the network on
/// each native backend alone (operation by operation, residual adds fused where it can; and whole, where the backend has
/// that form) are timed in one process in rotating blocks (<see cref="BlockTiming"/>); the ratio auto / the fastest
/// single-backend plan (the lowest median) is taken round by round. Separate processes minutes apart, as `net bench`
/// runs them, drift apart by more than the 3% this is asked to show.
/// </summary>
internal static class NetPlansCommand
{
    public static int Run(CommandLine line, TextWriter output, TextWriter log)
    {
        NetOptions options = NetOptions.Parse(line, run: false);
        int rounds = line.GetInt("--rounds", 15);
        if (rounds < 1) throw new ArgumentException($"--rounds must be at least 1, not {rounds}", "--rounds");
        double blockMilliseconds = double.Parse(line.Get("--block-ms", "150"), CultureInfo.InvariantCulture);
        if (!(blockMilliseconds > 0)) throw new ArgumentException($"--block-ms must be above 0, not {line.Get("--block-ms")}", "--block-ms");
        IReadOnlyList<NetworkBlock> blocks = options.LoadBlocks(log);
        var (channels, height, width) = MobileNets.InputSize(options.Model);
        var shape = new TensorShape(options.Batch, channels, height, width);
        using var backends = new ConvBackends(options.BackendOptions());

        var networks = new List<ConvNetwork>();
        try
        {
            foreach (string name in backends.Names.Where(n => n != ReferenceBackend.BackendName))
            {
                if (!backends.TryGet(name, out ConvBackend? backend, out string? why))
                {
                    log.WriteLine($"backend '{name}' left out: {why}");
                    continue;
                }
                networks.Add(new ConvNetwork(blocks, backends, new NetworkOptions { Backend = name, Layout = options.Layout }));
                try
                {
                    networks.Add(new ConvNetwork(blocks, backends, new NetworkOptions { Backend = name, Layout = options.Layout, WholeRuntime = true }));
                }
                catch (NotSupportedException)
                {
                    // this backend runs operation by operation only
                }
            }
            if (networks.Count == 0) throw new NotSupportedException("net plans needs a native backend (oneDNN or XNNPACK), and none loads here: see `nativeconv info`");
            using AlignedFloatBuffer input = options.SeededInput(shape);
            using var result = new AlignedFloatBuffer(networks[0].OutputShape(shape).Length);

            // auto last: it measures its candidates in its first call, with the single plans' native state already made.
            networks.Add(options.CreateNetwork(blocks, backends, log));
            var calls = networks.Select(n => (Action)(() => n.Forward(input.Span, result.Span, shape.Batch, shape.Height, shape.Width))).ToList();
            foreach (Action call in calls) call();
            NetworkPlan[] chosen = networks.Select(n => n.PlanFor(shape.Batch, shape.Height, shape.Width)!).ToArray();
            string[] plans = chosen.Select(p => p.Chosen.ToString()).ToArray();

            BlockTiming timing = BlockTiming.Measure(calls, rounds, blockMilliseconds);
            int auto = networks.Count - 1;
            int best = Enumerable.Range(0, auto).MinBy(timing.MedianMicroseconds);
            double[] ratios = timing.Ratios(auto, best);
            Report(options, output, shape, rounds, plans, chosen[auto], timing, best, ratios);
            return 0;
        }
        finally
        {
            foreach (ConvNetwork network in networks) network.Dispose();
        }
    }

    private static void Report(NetOptions options, TextWriter output, TensorShape shape, int rounds, string[] plans, NetworkPlan autoPlan,
        BlockTiming timing, int best, double[] ratios)
    {
        string model = MobileNets.NameOf(options.Model), layout = options.Layout.ToString().ToLowerInvariant();
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        int auto = plans.Length - 1;
        double median = BlockTiming.Median(ratios);
        if (options.Json)
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                model, layout, threads, batch = shape.Batch, rounds,
                auto_plan = plans[auto], auto_us = Math.Round(timing.MedianMicroseconds(auto), 1),
                auto_measured = autoPlan.Measured.Select(t => new { candidate = t.Candidate.ToString(), us = t.Microseconds }), // what auto's own rounds chose by
                auto_margin = autoPlan.ResolvableMargin,
                single = Enumerable.Range(0, auto).Select(p => new { plan = plans[p], us = Math.Round(timing.MedianMicroseconds(p), 1), rounds_us = timing.Microseconds(p).Select(us => Math.Round(us, 1)) }).ToArray(),
                auto_rounds_us = timing.Microseconds(auto).Select(us => Math.Round(us, 1)),
                best_single = plans[best],
                ratio_median = Math.Round(median, 4), ratio_min = Math.Round(ratios.Min(), 4), ratio_max = Math.Round(ratios.Max(), 4),
            }));
            return;
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{model} {layout} batch {shape.Batch}, {threads} thread(s), {rounds} rounds of rotating blocks in one process:"));
        output.WriteLine($"  auto's plan: {autoPlan}");
        for (int p = 0; p < plans.Length; p++)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {(p == auto ? $"auto ({plans[p]})" : plans[p]),-28} {timing.MedianMicroseconds(p),9:0.0} µs (median round){(p == best ? "  <- fastest alone" : "")}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  auto / {plans[best]}: median {median:0.000} (rounds {ratios.Min():0.000}..{ratios.Max():0.000})"));
    }
}
