using System.Diagnostics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using System.Text;

namespace NativeConv;

/// <summary>
/// Chooses how a network runs per input shape. On one backend: that backend, with residual adds fused
/// where it can. Over several: the first call for a shape measures on the caller's data each backend
/// alone (and, for per-operation thread counts, each library on the calling thread alone), unfused and (where it can) with residual sums fused, a backend's
/// whole-network form (XNNPACK's subgraph runtime, "xnnpack graph"), then per
/// library each convolution on one thread where that ran it clearly faster, then the mix: the library fastest alone, with each convolution
/// another library ran clearly faster moved there (fused where it can; unless mixing is forbidden), and keeps the candidate with
/// the lowest time (each round's block relative to the round's other candidates, see <see cref="DriftCorrectedTimes"/>) — so
/// crossing libraries is paid for in the measurement, not assumed. Bounded: per candidate 2 warm-up runs, then all of
/// them in turn until the JIT has been quiet for 300 ms (at most 2 s), then per backend alone an untimed run and
/// <see cref="FirstPassRounds"/> with each operation timed; then the final candidates run in turn until the JIT is quiet again, then <see cref="Rounds"/> rounds
/// (<see cref="EarlyRounds"/> for those far behind), each an untimed call and a timed block of at least
/// <see cref="MinCallsPerBlock"/> calls and <see cref="BlockMilliseconds"/> ms (those choose). At most 2 backends and their
/// 2 single-threaded forms (first pass only) + 1 fused + 1 whole + 2 thread mixes + 1 library mix; 1.4-2 s for a
/// MobileNet at batch 1 here, once per shape. A given plan that fits is used for its shape without measuring.
/// <para>
/// Mixing libraries is cheap: both run their loops on one libgomp thread team (XNNPACK through pthreadpool's API
/// implemented over OpenMP), so a switch wakes no other pool and no idle thread of one library spins on the core the
/// other needs. (With two pools, alternating cost 1.85-2.6x per convolution here; with one team, a median of about 1.0x.)
/// </para>
/// </summary>
internal sealed unsafe class NetworkPlanner : IDisposable
{
    /// <summary>Timed blocks of whole calls per candidate still running, interleaved with the other candidates' (the times that choose).</summary>
    public const int Rounds = 8;

    /// <summary>Rounds every candidate runs; after them, a candidate more than <see cref="EarlyCutoff"/> behind the fastest stops.</summary>
    public const int EarlyRounds = 3;

    /// <summary>
    /// Far enough behind to stop after <see cref="EarlyRounds"/>: more than the early rounds' spread, and more than
    /// <see cref="CompositeMargin"/>, so a stopped candidate could not have been chosen.
    /// </summary>
    public const double EarlyCutoff = 0.25;

    /// <summary>
    /// A timed block lasts this long, and has at least <see cref="MinCallsPerBlock"/> calls: one call timed alone said
    /// more about the moment than the candidate (v3-small's plans swapped order from run to run).
    /// </summary>
    public const double BlockMilliseconds = 4;

    public const int MinCallsPerBlock = 2;

    /// <summary>
    /// How much faster than the fastest plain plan (a configured backend alone, residual sums fused or not) another
    /// candidate must measure to be chosen: more than these short runs' spread on a shared machine.
    /// </summary>
    public const double CompositeMargin = 0.05;

    /// <summary>
    /// How much faster than the fastest plain plan the library mix must measure to be chosen. Smaller than
    /// <see cref="CompositeMargin"/>: built as step 3 of <see cref="Measure"/> builds it (mostly squeeze-excitation
    /// convolutions moved to XNNPACK), the mix gains 3-6% on MobileNet v3, inside the 5% margin, which kept it from being
    /// chosen. With this margin, `nativeconv net plans` here: auto chose the mix for v3-small (both layouts), v3-large
    /// NCHW and v1 NHWC, at 0.95, 0.95, 0.94 and 0.98 of the fastest backend alone; elsewhere a plain plan.
    /// </summary>
    public const double MixMargin = 0.01;

    /// <summary>Runs per candidate with every operation timed; each operation's fastest is what makes the derived candidates.</summary>
    public const int FirstPassRounds = 5;

    /// <summary>
    /// How much faster another library (or the same one on one thread) must have run a convolution in the first pass for
    /// the mix (or "threads per op") to move it there: per-operation times within this of each other are a tie on this machine.
    /// </summary>
    public const double MixMoveMargin = 0.10;

    private readonly NetworkGraph _graph;
    private readonly ConvOp[] _convolutions;
    private readonly IReadOnlyList<ConvBackend> _backends;
    private readonly Dictionary<string, NetworkProgram> _programs = new(StringComparer.Ordinal);
    private readonly NetworkPlan? _pinned;
    private readonly bool _measures;
    private readonly string _fingerprint;
    private readonly bool _allowMixed;

    /// <summary>The candidate that gives each convolution the backend that ran it fastest alone.</summary>
    public const string Mixed = "mixed";

    private NetworkPlanner(NetworkGraph graph, IReadOnlyList<ConvBackend> backends, bool measures, NetworkPlan? plan, string name, bool allowMixed = false)
    {
        _allowMixed = allowMixed;
        _graph = graph;
        _convolutions = graph.Ops.OfType<ConvOp>().ToArray();
        _backends = backends;
        _measures = measures;
        Name = name;
        _fingerprint = Fingerprint(graph);
        if (plan is not null)
        {
            Rejection = plan.CheckFits(_fingerprint, Machine, Versions, _convolutions.Length)
                ?? (plan.Backends.FirstOrDefault(b => backends.All(c => c.Name != b)) is { } missing ? $"it uses backend '{missing}', which is not among {string.Join(", ", backends.Select(b => b.Name))}" : null)
                ?? (plan.WholeNetwork && (plan.Backends.Distinct().Count() != 1 || !backends.First(b => b.Name == plan.Backends[0]).HasWholeNetwork)
                    ? $"it runs the network whole on {string.Join(" and ", plan.Backends.Distinct().Select(b => $"'{b}'"))}, which needs one backend that can (XNNPACK)" : null);
            if (Rejection is null) _pinned = plan;
        }
    }

    public static NetworkPlanner Single(NetworkGraph graph, ConvBackend backend, ConvPrecision precision = ConvPrecision.Float32,
        NetworkExecution execution = NetworkExecution.Operations) =>
        new(graph, [backend], measures: false, plan: null, backend.Name) { _precision = precision, _execution = execution };

    private ConvPrecision _precision;
    private NetworkExecution _execution;

    public static NetworkPlanner Measured(NetworkGraph graph, ConvBackends backends, NetworkPlan? plan, IEnumerable<string>? candidates, bool allowMixed)
    {
        var available = new List<ConvBackend>();
        foreach (string name in candidates ?? backends.Names.Where(n => n != ReferenceBackend.BackendName))
            if (backends.TryGet(name, out ConvBackend? backend, out _)) available.Add(backend!);
        if (available.Count == 0) throw new ArgumentException("none of the candidate backends is available here", nameof(candidates));
        if (available.Count == 1) return new NetworkPlanner(graph, available, measures: false, plan, available[0].Name, allowMixed);
        // Each library also on the calling thread alone ("onednn/1"): a plan may give small convolutions one thread.
        List<ConvBackend> singleThreaded = available.Select(b => b.CreateSingleThreaded()).OfType<ConvBackend>().ToList();
        return new NetworkPlanner(graph, [.. available, .. singleThreaded], measures: true, plan, "auto", allowMixed) { _owned = singleThreaded };
    }

    private List<ConvBackend> _owned = []; // the single-threaded forms made for measuring

    /// <summary>"auto", or the one backend's name.</summary>
    public string Name { get; }

    /// <summary>Why the plan given was not used (null: none given, or used).</summary>
    public string? Rejection { get; }

    /// <summary>
    /// The program used before any shape was planned (for Describe), made at construction so weights are packed
    /// then and a backend that cannot run the network says so then: on one backend, its program; over several,
    /// the first backend alone.
    /// </summary>
    public NetworkProgram Default => _measures
        ? Program(_convolutions.Select(_ => _backends[0]).ToArray(), _backends[0].HasResidualSum, _backends[0].HasResidualSum ? _backends[0].Name + "+sum" : _backends[0].Name)
        : SingleProgram();

    private NetworkProgram SingleProgram()
    {
        ConvBackend only = _backends[0];
        if (_execution == NetworkExecution.Whole)
            return WholeProgram(only) ?? throw new NotSupportedException($"backend '{only.Name}' cannot run a network whole (XNNPACK can, with its subgraph runtime)");
        bool fuse = only.HasResidualSum && _precision == ConvPrecision.Float32; // the fused sum is float32's
        return Program(_convolutions.Select(_ => only).ToArray(), fuse,
            (fuse ? only.Name + "+sum" : only.Name) + PrecisionSuffix(_precision));
    }

    private static string PrecisionSuffix(ConvPrecision precision) => precision switch
    {
        ConvPrecision.BFloat16 => " bf16",
        ConvPrecision.DynamicInt8 => " qd8",
        _ => "",
    };

    /// <summary>The run for <paramref name="shape"/>: pinned, single, or measured now on the caller's buffers (already checked).</summary>
    public ShapeRun Plan(TensorShape shape, TensorLayout layout, float* input, float* output)
    {
        if (_pinned is { } pinned && (pinned.Batch, pinned.Height, pinned.Width, pinned.Layout) == (shape.Batch, shape.Height, shape.Width, layout))
        {
            ConvBackend[] assigned = pinned.Backends.Select(b => _backends.First(c => c.Name == b)).ToArray();
            NetworkProgram pinnedProgram = pinned.WholeNetwork
                ? WholeProgram(assigned[0]) ?? throw new InvalidOperationException($"backend '{assigned[0].Name}' cannot run a network whole") // refused at construction
                : Program(assigned, pinned.FuseResidualSums, pinned.Chosen);
            return Run(pinnedProgram, shape, layout, pinned);
        }
        if (!_measures)
        {
            NetworkProgram program = SingleProgram();
            return Run(program, shape, layout, PlanOf(program, shape, layout, new Dictionary<string, double>()));
        }
        return Measure(shape, layout, input, output);
    }

    private ShapeRun Measure(TensorShape shape, TensorLayout layout, float* input, float* output)
    {
        var trials = new Dictionary<string, (NetworkProgram Program, ShapePlan Buffers, long[] Ticks)>();
        try
        {
            // Every candidate gets its native state for the shape (made on its first call, untimed) and its buffers.
            void Trial(NetworkProgram p)
            {
                if (trials.ContainsKey(p.Name)) return;
                var buffers = p.PlanFor(shape, layout);
                trials[p.Name] = (p, buffers, new long[p.Graph.Ops.Count + 2]);
                p.Run(buffers, layout, input, output);
                p.Run(buffers, layout, input, output); // twice: the first makes the native state for the shape
            }

            // 1. Each backend alone, unfused (their per-operation times compare one to one), then fused where it can.
            foreach (ConvBackend b in _backends) Trial(Program(_convolutions.Select(_ => b).ToArray(), fuse: false, b.Name));
            foreach (ConvBackend b in _backends.Where(b => b.HasResidualSum && !_owned.Contains(b)))
                Trial(Program(_convolutions.Select(_ => b).ToArray(), fuse: true, b.Name + "+sum"));
            // The whole network as one native object where a backend has that form (XNNPACK's subgraph runtime).
            foreach (ConvBackend b in _backends.Where(b => !_owned.Contains(b)))
                if (WholeProgram(b) is { } whole) Trial(whole);

            // First pass, per operation, for each backend alone: after every candidate above has run until the JIT is
            // quiet (timing one library while the managed code around the other's calls is still at tier 0 charged that
            // library 1-3 µs per operation: XNNPACK's 1-pixel convolutions measured no faster than oneDNN's here, where
            // 200 calls in a row give 1.0-1.4 against 2.5-3.5 µs), an untimed call brings the backend's weights back into
            // the caches, then FirstPassRounds calls in a row; each operation's fastest is its time (a call that a
            // neighbour on the machine interrupted says nothing about the operation). These times make the derived candidates.
            WarmUntilJitQuiet(() =>
            {
                foreach (var t in trials.Values) t.Program.Run(t.Buffers, layout, input, output);
            });
            foreach (ConvBackend b in _backends)
            {
                var (p, buffers, fastestTicks) = trials[b.Name];
                p.Run(buffers, layout, input, output);
                Array.Fill(fastestTicks, long.MaxValue);
                var round = new long[fastestTicks.Length];
                for (int r = 0; r < FirstPassRounds; r++)
                {
                    Array.Clear(round);
                    p.Run(buffers, layout, input, output, round);
                    for (int i = 0; i < round.Length; i++) fastestTicks[i] = Math.Min(fastestTicks[i], round[i]);
                }
            }

            // The plain plans: a backend as the user configured it, alone (fused or not, or whole).
            var plain = _backends.Where(b => !_owned.Contains(b)).SelectMany(b => new[] { b.Name, b.Name + "+sum", b.Name + WholeSuffix })
                .ToHashSet(StringComparer.Ordinal);

            // 2. Per library, each convolution on one thread where that ran it more than MixMoveMargin faster above (one
            //    library, so no crossing; it must still beat the fastest plain plan by CompositeMargin to be chosen).
            foreach (ConvBackend many in _backends)
            {
                if (_backends.FirstOrDefault(b => b.Name == many.Name + "/1") is not { } one) continue;
                var threads = new ConvBackend[_convolutions.Length];
                for (int c = 0, i = 0; i < _graph.Ops.Count; i++)
                    if (_graph.Ops[i] is ConvOp)
                        threads[c++] = trials[one.Name].Ticks[i] < (1 - MixMoveMargin) * trials[many.Name].Ticks[i] ? one : many;
                if (threads.Distinct().Count() > 1)
                    Trial(Program(threads, fuse: many.HasResidualSum, many.Name + (many.HasResidualSum ? "+sum" : "") + " threads per op"));
            }

            // 3. The mix: the library that ran the network fastest above, with each convolution that another backend ran
            //    clearly faster (by more than MixMoveMargin) moved there, fused where it can. Near ties stay: moving them
            //    gains nothing measurable and can cost a fused residual sum.
            ConvBackend[] libraries = _backends.Where(b => !_owned.Contains(b)).ToArray();
            ConvBackend mixBase = libraries.MinBy(b => trials[b.Name].Ticks.Sum())!;
            var fastest = new ConvBackend[_convolutions.Length];
            for (int c = 0, i = 0; i < _graph.Ops.Count; i++)
                if (_graph.Ops[i] is ConvOp)
                {
                    ConvBackend best = libraries.MinBy(b => trials[b.Name].Ticks[i])!;
                    fastest[c++] = trials[best.Name].Ticks[i] < (1 - MixMoveMargin) * trials[mixBase.Name].Ticks[i] ? best : mixBase;
                }
            if (fastest.Distinct().Count() > 1)
                Trial(Program(fastest, fuse: fastest.Any(b => b.HasResidualSum), Mixed));

            // 4. The times that choose: every candidate once per round, in blocks of whole calls. Interleaved, so no
            //    candidate is favoured by when it ran (a shared machine's speed drifts within seconds, and the first
            //    candidates ran while the JIT was still tiering up the managed code between operations); the order rotates
            //    every round, so no candidate always follows the same one. After the first rounds, the candidates far
            //    behind stop: the remaining rounds go to the close ones, where a wrong choice is likely.
            //    A library on one thread for the whole network only supplies the per-operation times of step 2: on a
            //    machine with a core taken by a neighbour for a moment it wins these rounds, and then runs 1.3-1.6x slower
            //    for good (v3-small chose "onednn/1+sum" so, 1.6x slower than oneDNN alone in the next seconds).
            var candidates = trials.Values.Where(t => _owned.All(o => o.Name != t.Program.Name)).ToArray();
            // Every candidate's managed code tiered up before it is timed: the first candidate's warm-up left the others'
            // code paths (fused sums, the other library's kernels, the mix's crossings) to be compiled during the rounds,
            // on a core the libraries' workers need, which favoured the candidate with the least managed code (v3-small,
            // NCHW: XNNPACK's graph chosen 5 times of 5, 20-29% slower in steady use than oneDNN alone; with the JIT's
            // tiering off, oneDNN chosen).
            WarmUntilJitQuiet(() =>
            {
                foreach (var t in candidates) t.Program.Run(t.Buffers, layout, input, output);
            });
            double[][] blocks = candidates.Select(_ => new double[Rounds]).ToArray();
            var measured = new Dictionary<string, double>(StringComparer.Ordinal);
            int[] running = Enumerable.Range(0, candidates.Length).ToArray();
            for (int round = 0; round < Rounds; round++)
            {
                for (int place = 0; place < running.Length; place++)
                {
                    int c = running[(round + place) % running.Length];
                    var t = candidates[c];
                    // Untimed first: it brings this candidate's weights and buffers back into the caches (each candidate
                    // has its own, and the others' runs evicted them); steady use is back-to-back calls, so the block
                    // timed is the calls after it.
                    t.Program.Run(t.Buffers, layout, input, output);
                    int calls = 0;
                    long start = Stopwatch.GetTimestamp();
                    do
                    {
                        t.Program.Run(t.Buffers, layout, input, output);
                        calls++;
                    }
                    while (calls < MinCallsPerBlock || Stopwatch.GetElapsedTime(start).TotalMilliseconds < BlockMilliseconds);
                    blocks[c][round] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / calls;
                }
                if (round + 1 != EarlyRounds && round + 1 != Rounds) continue;
                // Each candidate relative to the others in the same round: the drift cancels (DriftCorrectedTimes).
                double[] estimates = DriftCorrectedTimes.Estimate(running.Select(c => blocks[c][..(round + 1)]).ToArray());
                for (int i = 0; i < running.Length; i++) measured[candidates[running[i]].Program.Name] = Math.Round(estimates[i], 1);
                double lead = estimates.Min();
                running = running.Where((_, i) => estimates[i] <= lead * (1 + EarlyCutoff)).ToArray();
            }
            string chosen = Choose(measured, plain, _allowMixed);
            (NetworkProgram program, ShapePlan kept, _) = trials[chosen];
            trials.Remove(chosen);
            return new ShapeRun(program, kept, PlanOf(program, shape, layout, measured));
        }
        finally
        {
            foreach (var t in trials.Values) t.Buffers.Dispose(); // the chosen one's are kept
        }
    }

    /// <summary>
    /// The candidate to keep, from each one's drift-corrected time: the fastest plain plan (a configured backend alone,
    /// residual sums fused or not), unless another candidate beats it by more than its margin: <see cref="MixMargin"/>
    /// for the library mix (when allowed), <see cref="CompositeMargin"/> for any other.
    /// </summary>
    internal static string Choose(IReadOnlyDictionary<string, double> measured, IReadOnlySet<string> plain, bool allowMixed)
    {
        if (!measured.Any(p => plain.Contains(p.Key)))
            return measured.Where(p => allowMixed || p.Key != Mixed).MinBy(p => p.Value).Key;
        double bestPlain = measured.Where(p => plain.Contains(p.Key)).Min(p => p.Value);
        // Any other plan must beat the fastest plain one by a margin: a plan with per-operation thread counts that had
        // won by a few percent in these short runs ran 6-20% slower than oneDNN alone in steady use (v3-large, NHWC,
        // batch 1, 4 interleaved runs each). The mix has the smaller margin: it moves only convolutions another library
        // ran clearly faster, keeps every thread count, and crosses libraries in NHWC at no cost, and in steady use it
        // ran as fast as oneDNN alone or faster (MixMargin).
        return measured.Where(p => plain.Contains(p.Key)
                || (p.Key == Mixed ? allowMixed && p.Value < bestPlain * (1 - MixMargin) : p.Value < bestPlain * (1 - CompositeMargin)))
            .MinBy(p => p.Value).Key;
    }

    /// <summary>
    /// The JIT tiers up the managed code between native calls in the background during the first few hundred
    /// milliseconds of calls; on 2 cores that thread takes a core from the libraries' workers. Measuring before it
    /// is done times the JIT, not the candidates. It compiles in waves (tier 0, then instrumented, then optimized), with
    /// gaps of up to about 200 ms between them here: a shorter quiet period ended between two waves.
    /// </summary>
    private static void WarmUntilJitQuiet(Action run)
    {
        var total = Stopwatch.StartNew();
        var quiet = Stopwatch.StartNew();
        long compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        while (quiet.Elapsed.TotalMilliseconds < JitQuietMilliseconds && total.Elapsed.TotalMilliseconds < MaxWarmUpMilliseconds)
        {
            run();
            if (System.Runtime.JitInfo.GetCompiledMethodCount() is var now && now != compiled)
            {
                compiled = now;
                quiet.Restart();
            }
        }
    }

    private const double JitQuietMilliseconds = 300;
    private const double MaxWarmUpMilliseconds = 2000;

    private static ShapeRun Run(NetworkProgram program, TensorShape shape, TensorLayout layout, NetworkPlan plan) =>
        new(program, program.PlanFor(shape, layout), plan);

    /// <summary>The program for an assignment of backends to convolutions, made once and shared by every shape that uses it.</summary>
    private NetworkProgram Program(ConvBackend[] assigned, bool fuse, string name)
    {
        var byConvolution = new Dictionary<ConvOp, ConvBackend>(ReferenceEqualityComparer.Instance);
        for (int c = 0; c < _convolutions.Length; c++) byConvolution[_convolutions[c]] = assigned[c];
        string key = $"{string.Join(",", assigned.Select(b => b.Name))}|{fuse}";
        if (_programs.TryGetValue(key, out NetworkProgram? program)) return program;
        NetworkGraph graph = fuse ? _graph.FuseResidualSums(conv => byConvolution[conv].HasResidualSum) : _graph;
        program = new NetworkProgram(name, graph, conv => byConvolution[conv], _precision);
        _programs.Add(key, program);
        return program;
    }

    /// <summary>The name of a backend's whole-network candidate: "xnnpack graph".</summary>
    public const string WholeSuffix = " graph";

    /// <summary>The network handed whole to <paramref name="backend"/>, made once; null when it has no such form (or not in float32).</summary>
    private NetworkProgram? WholeProgram(ConvBackend backend)
    {
        if (_precision != ConvPrecision.Float32) return null;
        string key = backend.Name + "|whole";
        if (_programs.TryGetValue(key, out NetworkProgram? program)) return program;
        program = NetworkProgram.WholeNetwork(backend.Name + WholeSuffix, _graph, backend);
        if (program is not null) _programs.Add(key, program);
        return program;
    }

    private NetworkPlan PlanOf(NetworkProgram program, TensorShape shape, TensorLayout layout, IReadOnlyDictionary<string, double> measured)
    {
        var backends = new List<string>();
        foreach (GraphOp op in program.Graph.Ops.Where(o => o is ConvOp or ConvSumOp))
            backends.Add(program.Backends[Array.IndexOf(program.Graph.Ops.ToArray(), op)]);
        return new NetworkPlan
        {
            Network = _fingerprint, Batch = shape.Batch, Height = shape.Height, Width = shape.Width, Layout = layout,
            Chosen = program.Name, Backends = backends, FuseResidualSums = program.Graph.Ops.Any(o => o is ConvSumOp), WholeNetwork = program.IsWholeNetwork,
            Machine = Machine, Versions = Versions, MeasuredMicroseconds = measured,
        };
    }

    /// <summary>Every operation's name and spec, hashed: a plan fits only the network it was measured on.</summary>
    private static string Fingerprint(NetworkGraph graph)
    {
        var text = new StringBuilder();
        foreach (GraphOp op in graph.Ops)
            text.Append(op switch { ConvOp c => $"{c.Name}:{c.Spec}", _ => $"{op.Name}:{op.GetType().Name}" }).Append('\n');
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16].ToLowerInvariant();
    }

    /// <summary>The CPU model, its vector instruction sets and the processor count: what a measured plan depends on.</summary>
    public static string Machine { get; } = $"{CpuModel()}; {string.Join(" ", Isas())}; {Environment.ProcessorCount} processors";

    /// <summary>NativeConv's version and the native libraries' it was built for.</summary>
    public static string Versions { get; } =
        $"NativeConv {typeof(NetworkPlanner).Assembly.GetName().Version}; oneDNN {Interop.OneDnn.Dnnl.GeneratedFromVersion}; XNNPACK {Interop.Xnnpack.Xnn.GeneratedFromVersion}";

    private static string CpuModel()
    {
        try
        {
            string? line = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
            return line is null ? System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
            return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    private static IEnumerable<string> Isas()
    {
        if (Avx512F.IsSupported) yield return "avx512f";
        if (Avx512Vbmi.IsSupported) yield return "avx512vbmi";
        if (AvxVnni.IsSupported) yield return "avxvnni";
        if (Avx2.IsSupported) yield return "avx2";
        if (Fma.IsSupported) yield return "fma";
        if (System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported) yield return "neon";
    }

    public void Dispose()
    {
        foreach (NetworkProgram program in _programs.Values) program.Dispose();
        _programs.Clear();
        foreach (ConvBackend backend in _owned) backend.Dispose(); // kernels hold their own references: safe after the programs
        _owned.Clear();
    }
}
