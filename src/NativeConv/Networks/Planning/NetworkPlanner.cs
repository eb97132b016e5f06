using System.Diagnostics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using System.Text;

namespace NativeConv;

/// <summary>
/// Chooses how a network runs per input shape. On one backend: that backend, with residual adds fused
/// where it can. Over several: the first calls for a shape (<see cref="PlanningMode"/>: each call one candidate's run, or
/// all in the first call) measure on the caller's data each backend
/// alone (and, for per-operation thread counts, each library on the calling thread alone), unfused and (where it can) with residual sums fused, a backend's
/// whole-network form (XNNPACK's subgraph runtime, "xnnpack graph"), then per
/// library each convolution on one thread where that ran it clearly faster, then the mix: the library fastest alone, with each convolution
/// another library ran clearly faster moved there (fused where it can; unless mixing is forbidden), and keeps the candidate with
/// the lowest time (each round's block relative to the round's other candidates, see <see cref="DriftCorrectedTimes"/>) — so
/// crossing libraries is paid for in the measurement, not assumed. Bounded: per candidate 2 warm-up runs, then all of
/// them in turn until the JIT has been quiet for 300 ms (at most 2 s; no wait where tiering is off, <see cref="JitTiering"/>), then per backend alone an untimed run and
/// <see cref="FirstPassRounds"/> with each operation timed; then the final candidates run in turn until the JIT is quiet again, then <see cref="Rounds"/> rounds
/// (<see cref="EarlyRounds"/> for those far behind), each an untimed call and a timed block of at least
/// <see cref="MinCallsPerBlock"/> calls and <see cref="BlockMilliseconds"/> ms (those choose). At most 2 backends and their
/// 2 single-threaded forms (first pass only) + 1 fused + 1 whole + 2 thread mixes + 1 library mix; 2.3-2.9 s for a
/// MobileNet at batch 1 here (0.5-0.7 s with tiering off), once per shape; spread over the calls, no call pays for more
/// than one candidate's making (its program, buffers and native state) and one run of the network. For a batch of more than one image, the chosen candidate then races the ways
/// of running the batch (<see cref="ChooseBatching"/>); for one image, itself with its first operations in row bands across the threads (<see cref="ChooseRowBands"/>). A given plan that fits is used for its shape without measuring; so is a plan kept in
/// <see cref="NativeConvOptions.PlanDirectory"/> (<see cref="PlanFiles"/>), and a plan measured there is kept there.
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
            Rejection = Refusal(plan);
            if (Rejection is null) _pinned = plan;
        }
    }

    /// <summary>Null when <paramref name="plan"/> can run this network on these backends here; otherwise why not.</summary>
    private string? Refusal(NetworkPlan plan) =>
        plan.CheckFits(_fingerprint, Machine, Versions, _convolutions.Length)
        ?? (plan.Backends.FirstOrDefault(b => _backends.All(c => c.Name != b)) is { } missing ? $"it uses backend '{missing}', which is not among {string.Join(", ", _backends.Select(b => b.Name))}" : null)
        ?? (plan.WholeNetwork && (plan.Backends.Distinct().Count() != 1 || !_backends.First(b => b.Name == plan.Backends[0]).HasWholeNetwork)
            ? $"it runs the network whole on {string.Join(" and ", plan.Backends.Distinct().Select(b => $"'{b}'"))}, which needs one backend that can (XNNPACK)" : null)
        ?? (plan.Batching == BatchMode.ImagesAcrossThreads && plan.Backends.Distinct().FirstOrDefault(b => SingleThreadedForm(b) is null) is { } alone
            ? $"it shares a batch's images between threads, each on a single-threaded copy of '{alone}', which is not among these backends (they run on one thread)" : null)
        ?? (plan.Batching == BatchMode.RowsAcrossThreads ? BandRefusal(plan) : null);

    /// <summary>Why a plan with row bands cannot run here (null: it can): its backends need single-threaded forms, and its banded operations must be a prefix that can run in bands.</summary>
    private string? BandRefusal(NetworkPlan plan)
    {
        if (!HasTeam) return "it shares an image's rows between threads, which run on the OpenMP team through XNNPACK's pthreadpool API, and XNNPACK on more than one thread is not among these backends";
        if (plan.Backends.Distinct().FirstOrDefault(b => SingleThreadedForm(b) is null) is { } alone)
            return $"it shares an image's rows between threads, each on a single-threaded copy of '{alone}', which is not among these backends (they run on one thread)";
        ConvBackend[] assigned = plan.Backends.Select(b => _backends.First(c => c.Name == b)).ToArray();
        return RowBands.IsCut(GraphFor(ByConvolution(assigned), plan.FuseResidualSums), plan.BandedOperations) ? null
            : $"its first {plan.BandedOperations} operations cannot run in row bands (they must be convolutions and residual adds that nothing after them reads but the last one's output)";
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
        var planner = new NetworkPlanner(graph, [.. available, .. singleThreaded], measures: true, plan, "auto", allowMixed)
        {
            _owned = singleThreaded, Planning = backends.Planning,
        };
        if (backends.PlanDirectory is { } directory)
            planner._files = new PlanFiles(directory, planner._fingerprint,
                $"{Machine}; {Versions}; {string.Join(", ", available.Select(b => $"{b.Name} on {b.Threads} threads"))}; mix {(allowMixed ? "allowed" : "not allowed")}");
        return planner;
    }

    private PlanFiles? _files; // where measured plans are kept and looked for; null: nowhere

    /// <summary>The latest problem with a plan file: one that could not be read or did not fit (measured again and replaced), or one that could not be saved.</summary>
    public string? PlanFileProblem { get; private set; }

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

    /// <summary>How a shape not yet planned is measured (<see cref="PlanningMode"/>): over its first calls, or all in the first.</summary>
    public PlanningMode Planning { get; private init; }

    /// <summary>
    /// The run for <paramref name="shape"/> when it needs no measuring: a given plan that fits, the one backend, or the
    /// shape's file in the plan directory when it fits. Otherwise null, and <paramref name="measurement"/> measures the
    /// shape on the caller's calls (checked by the caller) and then keeps the plan in the plan directory, if there is one.
    /// </summary>
    public ShapeRun? Plan(TensorShape shape, TensorShape output, TensorLayout layout, out ShapeMeasurement? measurement)
    {
        measurement = null;
        if (_pinned is { } pinned && IsFor(pinned, shape, layout)) return Follow(pinned, shape, layout);
        if (!_measures)
        {
            NetworkProgram program = SingleProgram();
            return BatchRun(program, shape, layout, BatchMode.AllAtOnce, PlanOf(program, shape, layout, new Dictionary<string, double>()));
        }
        string? path = _files?.PathFor(shape, layout);
        if (path is not null)
        {
            // The plan directory: follow the shape's file when it fits, else measure and keep the plan there.
            if (PlanFiles.TryLoad(path, out string? unreadable) is { } stored)
            {
                string? refusal = Refusal(stored) ?? (IsFor(stored, shape, layout) ? null
                    : $"it is for {stored.Batch}x{stored.Height}x{stored.Width} {stored.Layout}, not {shape.Batch}x{shape.Height}x{shape.Width} {layout}");
                if (refusal is null) return Follow(stored, shape, layout);
                PlanFileProblem = $"{path} was not followed: {refusal}; measured again and replaced";
            }
            else if (unreadable is not null)
            {
                PlanFileProblem = $"{unreadable}; measured again and replaced";
            }
        }
        measurement = new ShapeMeasurement(shape, output, m => Measure(shape, layout, m), chosen =>
        {
            if (path is not null && _files!.TrySave(chosen.Plan, path) is { } unsaved) PlanFileProblem = unsaved;
        });
        return null;
    }

    private static bool IsFor(NetworkPlan plan, TensorShape shape, TensorLayout layout) =>
        (plan.Batch, plan.Height, plan.Width, plan.Layout) == (shape.Batch, shape.Height, shape.Width, layout);

    /// <summary>The run a given or stored plan says, without measuring (the plan was checked to fit).</summary>
    private ShapeRun Follow(NetworkPlan plan, TensorShape shape, TensorLayout layout)
    {
        ConvBackend[] assigned = plan.Backends.Select(b => _backends.First(c => c.Name == b)).ToArray();
        NetworkProgram program = plan.WholeNetwork
            ? WholeProgram(assigned[0]) ?? throw new InvalidOperationException($"backend '{assigned[0].Name}' cannot run a network whole") // refused by Refusal
            : Program(assigned, plan.FuseResidualSums, plan.Chosen);
        return BatchRun(program, shape, layout, plan.Batching, plan);
    }

    /// <summary>
    /// The measurement of <paramref name="shape"/>, as the calls it asks for (the class summary says which); each call's
    /// time is <paramref name="m"/>'s <see cref="ShapeMeasurement.LastMicroseconds"/> when the next is asked for. It ends
    /// with <see cref="ShapeMeasurement.Chosen"/> set. Work between two calls is bounded by one candidate's making: its
    /// program (weights packed), buffers, and, on its first call, its native state for the shape.
    /// </summary>
    private IEnumerable<MeasuredCall> Measure(TensorShape shape, TensorLayout layout, ShapeMeasurement m)
    {
        var trials = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        try
        {
            // Every candidate gets its buffers and its native state for the shape (made on its first call, untimed).
            IEnumerable<MeasuredCall> Trial(NetworkProgram p)
            {
                if (trials.ContainsKey(p.Name)) yield break;
                var candidate = new Candidate(p, p.PlanFor(shape, layout), layout);
                trials[p.Name] = candidate;
                yield return new(candidate);
                yield return new(candidate); // twice: the first makes the native state for the shape
            }

            // 1. The first backend as it runs alone (its program made with the network: the first call for a shape costs
            //    what it costs on that backend alone), then each backend alone, unfused (their per-operation times compare
            //    one to one), then fused where it can.
            foreach (MeasuredCall call in Trial(Default)) yield return call;
            foreach (ConvBackend b in _backends)
                foreach (MeasuredCall call in Trial(Program(_convolutions.Select(_ => b).ToArray(), fuse: false, b.Name))) yield return call;
            foreach (ConvBackend b in _backends.Where(b => b.HasResidualSum && !_owned.Contains(b)))
                foreach (MeasuredCall call in Trial(Program(_convolutions.Select(_ => b).ToArray(), fuse: true, b.Name + "+sum"))) yield return call;
            // The whole network as one native object where a backend has that form (XNNPACK's subgraph runtime).
            foreach (ConvBackend b in _backends.Where(b => !_owned.Contains(b)))
                if (WholeProgram(b) is { } whole)
                    foreach (MeasuredCall call in Trial(whole)) yield return call;

            // First pass, per operation, for each backend alone: after every candidate above has run until the JIT is
            // quiet (timing one library while the managed code around the other's calls is still at tier 0 charged that
            // library 1-3 µs per operation: XNNPACK's 1-pixel convolutions measured no faster than oneDNN's here, where
            // 200 calls in a row give 1.0-1.4 against 2.5-3.5 µs), an untimed call brings the backend's weights back into
            // the caches, then FirstPassRounds calls in a row; each operation's fastest is its time (a call that a
            // neighbour on the machine interrupted says nothing about the operation). These times make the derived candidates.
            foreach (MeasuredCall call in WarmUntilJitQuiet(m, trials.Values.ToArray())) yield return call;
            foreach (ConvBackend b in _backends)
            {
                Candidate alone = trials[b.Name];
                yield return new(alone);
                Array.Fill(alone.FastestTicks, long.MaxValue);
                var round = new long[alone.FastestTicks.Length];
                for (int r = 0; r < FirstPassRounds; r++)
                {
                    Array.Clear(round);
                    yield return new(alone, round);
                    for (int i = 0; i < round.Length; i++) alone.FastestTicks[i] = Math.Min(alone.FastestTicks[i], round[i]);
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
                        threads[c++] = trials[one.Name].FastestTicks[i] < (1 - MixMoveMargin) * trials[many.Name].FastestTicks[i] ? one : many;
                if (threads.Distinct().Count() > 1)
                    foreach (MeasuredCall call in Trial(Program(threads, fuse: many.HasResidualSum, many.Name + (many.HasResidualSum ? "+sum" : "") + " threads per op")))
                        yield return call;
            }

            // 3. The mix: the library that ran the network fastest above, with each convolution that another backend ran
            //    clearly faster (by more than MixMoveMargin) moved there, fused where it can. Near ties stay: moving them
            //    gains nothing measurable and can cost a fused residual sum.
            ConvBackend[] libraries = _backends.Where(b => !_owned.Contains(b)).ToArray();
            ConvBackend mixBase = libraries.MinBy(b => trials[b.Name].FastestTicks.Sum())!;
            var fastest = new ConvBackend[_convolutions.Length];
            for (int c = 0, i = 0; i < _graph.Ops.Count; i++)
                if (_graph.Ops[i] is ConvOp)
                {
                    ConvBackend best = libraries.MinBy(b => trials[b.Name].FastestTicks[i])!;
                    fastest[c++] = trials[best.Name].FastestTicks[i] < (1 - MixMoveMargin) * trials[mixBase.Name].FastestTicks[i] ? best : mixBase;
                }
            if (fastest.Distinct().Count() > 1)
                foreach (MeasuredCall call in Trial(Program(fastest, fuse: fastest.Any(b => b.HasResidualSum), Mixed))) yield return call;

            // 4. The times that choose: every candidate once per round, in blocks of whole calls. Interleaved, so no
            //    candidate is favoured by when it ran (a shared machine's speed drifts within seconds, and the first
            //    candidates ran while the JIT was still tiering up the managed code between operations); the order rotates
            //    every round, so no candidate always follows the same one. After the first rounds, the candidates far
            //    behind stop: the remaining rounds go to the close ones, where a wrong choice is likely.
            //    A library on one thread for the whole network only supplies the per-operation times of step 2: on a
            //    machine with a core taken by a neighbour for a moment it wins these rounds, and then runs 1.3-1.6x slower
            //    for good (v3-small chose "onednn/1+sum" so, 1.6x slower than oneDNN alone in the next seconds).
            Candidate[] candidates = trials.Values.Where(t => _owned.All(o => o.Name != t.Name)).ToArray();
            // Every candidate's managed code tiered up before it is timed: the first candidate's warm-up left the others'
            // code paths (fused sums, the other library's kernels, the mix's crossings) to be compiled during the rounds,
            // on a core the libraries' workers need, which favoured the candidate with the least managed code (v3-small,
            // NCHW: XNNPACK's graph chosen 5 times of 5, 20-29% slower in steady use than oneDNN alone; with the JIT's
            // tiering off, oneDNN chosen).
            foreach (MeasuredCall call in WarmUntilJitQuiet(m, candidates)) yield return call;
            var estimates = new double[candidates.Length];
            foreach (MeasuredCall call in Race(m, candidates, Rounds, estimates)) yield return call;
            var measured = new Dictionary<string, double>(StringComparer.Ordinal);
            for (int i = 0; i < candidates.Length; i++) measured[candidates[i].Name] = Math.Round(estimates[i], 1);
            string chosen = Choose(measured, plain, _allowMixed);
            Candidate kept = trials[chosen];
            trials.Remove(chosen);
            m.Chosen = kept.Keep(PlanOf(kept.Program, shape, layout, measured), shape); // the measurement's from here
            IEnumerable<MeasuredCall> sharing = shape.Batch == 1 ? ChooseRowBands(m, layout, measured) : ChooseBatching(m, layout, measured);
            foreach (MeasuredCall call in sharing) yield return call;
        }
        finally
        {
            foreach (Candidate t in trials.Values) t.Dispose(); // not the chosen one's buffers: handed over
        }
    }

    /// <summary>
    /// Each of <paramref name="runs"/> timed in <paramref name="rounds"/> interleaved rounds into <paramref name="estimates"/>,
    /// drift-corrected (<see cref="DriftCorrectedTimes"/>): in each round every run still racing makes an untimed call (it
    /// brings its own weights and buffers back into the caches; steady use is back-to-back calls), then a timed block of at
    /// least <see cref="MinCallsPerBlock"/> calls and <see cref="BlockMilliseconds"/> ms of them. The order rotates every
    /// round, so no run always follows the same one. After <see cref="EarlyRounds"/>, the runs more than
    /// <see cref="EarlyCutoff"/> behind the fastest stop (their time is the estimate then); the remaining rounds go to the close ones.
    /// </summary>
    private static IEnumerable<MeasuredCall> Race(ShapeMeasurement m, IReadOnlyList<Candidate> runs, int rounds, double[] estimates)
    {
        double[][] blocks = runs.Select(_ => new double[rounds]).ToArray();
        int[] running = Enumerable.Range(0, runs.Count).ToArray();
        for (int round = 0; round < rounds; round++)
        {
            for (int place = 0; place < running.Length; place++)
            {
                int c = running[(round + place) % running.Length];
                yield return new(runs[c]);
                int calls = 0;
                double microseconds = 0;
                do
                {
                    yield return new(runs[c]);
                    microseconds += m.LastMicroseconds;
                    calls++;
                }
                while (calls < MinCallsPerBlock || microseconds < BlockMilliseconds * 1000);
                blocks[c][round] = microseconds / calls;
            }
            if (round + 1 != Math.Min(EarlyRounds, rounds) && round + 1 != rounds) continue;
            // Each run relative to the others in the same round: the drift cancels.
            double[] now = DriftCorrectedTimes.Estimate(running.Select(c => blocks[c][..(round + 1)]).ToArray());
            for (int i = 0; i < running.Length; i++) estimates[running[i]] = now[i];
            double lead = now.Min();
            running = running.Where((_, i) => now[i] <= lead * (1 + EarlyCutoff)).ToArray();
        }
    }

    /// <summary>Rounds of the batch-mode race (<see cref="ChooseBatching"/>): its differences are larger than the candidates', and its calls longer.</summary>
    public const int BatchingRounds = 5;

    /// <summary>
    /// For a batch of more than one image, the chosen candidate (<paramref name="m"/>'s <see cref="ShapeMeasurement.Chosen"/>,
    /// the whole batch at once) run three ways, raced like the candidates: the whole batch
    /// at once, image by image on the backend's threads, and the images shared between threads, each on a single-threaded
    /// copy (where every backend of the candidate has one). Measured here at batch 16 (a scratch harness, interleaved): v2
    /// NHWC on oneDNN ran 16% faster with the images across 2 threads than all at once, on XNNPACK 23% faster image by
    /// image; v1-body 7% faster image by image; v3-small within 4% either way. A split is kept when it beats the whole
    /// batch by <see cref="CompositeMargin"/>; the plan records each way's time, scaled to the candidates' rounds.
    /// </summary>
    private IEnumerable<MeasuredCall> ChooseBatching(ShapeMeasurement m, TensorLayout layout, Dictionary<string, double> measured)
    {
        ShapeRun allAtOnce = m.Chosen!;
        NetworkProgram program = allAtOnce.Program;
        TensorShape shape = allAtOnce.Input;
        var runs = new List<(BatchMode Mode, Candidate Run)> { (BatchMode.AllAtOnce, new Candidate(allAtOnce, program.Name, layout)) };
        Candidate? kept = null;
        try
        {
            runs.Add((BatchMode.ImageByImage, new Candidate(BatchRun(program, shape, layout, BatchMode.ImageByImage, allAtOnce.Plan),
                program.Name + NetworkPlan.BatchingSuffix(BatchMode.ImageByImage), layout)));
            if (CanRunAcrossThreads(program))
                runs.Add((BatchMode.ImagesAcrossThreads, new Candidate(BatchRun(program, shape, layout, BatchMode.ImagesAcrossThreads, allAtOnce.Plan),
                    program.Name + NetworkPlan.BatchingSuffix(BatchMode.ImagesAcrossThreads), layout)));
            // Two calls each, no wait for the JIT: the copies make their native state on their first call, and the managed
            // code between the images (a loop, a hand-over to the worker) is a few calls per image of milliseconds.
            foreach (var (_, run) in runs.Skip(1))
            {
                yield return new(run);
                yield return new(run);
            }
            var estimates = new double[runs.Count];
            foreach (MeasuredCall call in Race(m, runs.Select(r => r.Run).ToArray(), BatchingRounds, estimates)) yield return call;
            double scale = measured[program.Name] / estimates[0];
            for (int i = 1; i < runs.Count; i++) measured[program.Name + NetworkPlan.BatchingSuffix(runs[i].Mode)] = Math.Round(estimates[i] * scale, 1);
            int best = 0;
            for (int i = 1; i < runs.Count; i++)
                if (estimates[i] < estimates[0] * (1 - CompositeMargin) && (best == 0 || estimates[i] < estimates[best])) best = i;
            kept = runs[best].Run;
            m.Chosen = kept.Keep(allAtOnce.Plan with { Batching = runs[best].Mode, MeasuredMicroseconds = measured }, shape);
        }
        finally
        {
            // The whole batch's buffers too, when a split was kept (never the shared program); all of them when the measurement ended early.
            foreach (var (_, run) in runs)
                if (run != kept) run.Dispose();
        }
    }

    /// <summary>
    /// For one image, the chosen candidate (<paramref name="m"/>'s <see cref="ShapeMeasurement.Chosen"/>, all at once)
    /// raced against itself with its first operations in row bands (<see cref="BatchMode.RowsAcrossThreads"/>), for each
    /// prefix <see cref="RowBands.Cuts"/> offers: at every height, the longest that recomputes little. A band plan is kept when it beats all at
    /// once by <see cref="CompositeMargin"/>; the plan records each one's time, scaled to the candidates' rounds.
    /// </summary>
    private IEnumerable<MeasuredCall> ChooseRowBands(ShapeMeasurement m, TensorLayout layout, Dictionary<string, double> measured)
    {
        ShapeRun allAtOnce = m.Chosen!;
        NetworkProgram program = allAtOnce.Program;
        if (!CanBand(program)) yield break;
        IReadOnlyList<int> cuts = RowBands.Cuts(program.Graph, allAtOnce.Buffers.Shapes, allAtOnce.Buffers.Geometries, _backends.Max(b => b.Threads));
        if (cuts.Count == 0) yield break;
        TensorShape shape = allAtOnce.Input;
        var runs = new List<(int Ops, Candidate Run)> { (0, new Candidate(allAtOnce, program.Name, layout)) };
        Candidate? kept = null;
        try
        {
            // Each made and called twice just before the race (the bands make their native state on their first call), so
            // a call makes at most one candidate.
            foreach (int ops in cuts)
            {
                var run = new Candidate(BandRun(program, shape, layout, ops, allAtOnce.Plan),
                    program.Name + NetworkPlan.BatchingSuffix(BatchMode.RowsAcrossThreads, ops), layout);
                runs.Add((ops, run));
                yield return new(run);
                yield return new(run);
            }
            // The bands' managed code (the loop on the team, each band's operations) is new to the JIT: timed while it tiered
            // up, v1-body's bands once measured 2.4x faster than all at once and then ran as fast as it in steady use.
            foreach (MeasuredCall call in WarmUntilJitQuiet(m, runs.Select(r => r.Run).ToArray())) yield return call;
            var estimates = new double[runs.Count];
            foreach (MeasuredCall call in Race(m, runs.Select(r => r.Run).ToArray(), BatchingRounds, estimates)) yield return call;
            double scale = measured[program.Name] / estimates[0];
            for (int i = 1; i < runs.Count; i++) measured[runs[i].Run.Name] = Math.Round(estimates[i] * scale, 1);
            int best = 0;
            for (int i = 1; i < runs.Count; i++)
                if (estimates[i] < estimates[0] * (1 - CompositeMargin) && (best == 0 || estimates[i] < estimates[best])) best = i;
            kept = runs[best].Run;
            BatchMode mode = best == 0 ? BatchMode.AllAtOnce : BatchMode.RowsAcrossThreads;
            m.Chosen = kept.Keep(allAtOnce.Plan with { Batching = mode, BandedOperations = runs[best].Ops, MeasuredMicroseconds = measured }, shape);
        }
        finally
        {
            foreach (var (_, run) in runs)
                if (run != kept) run.Dispose();
        }
    }

    /// <summary>
    /// <paramref name="program"/>'s run for <paramref name="shape"/> as <paramref name="mode"/> says: its buffers for the
    /// whole batch or for one image, or, for the images across threads, as many single-threaded copies of it as the
    /// backends have threads (one for the calling thread, one per <see cref="BatchWorker"/>); for one image's rows
    /// across threads, <see cref="BandRun"/>.
    /// </summary>
    private ShapeRun BatchRun(NetworkProgram program, TensorShape shape, TensorLayout layout, BatchMode mode, NetworkPlan plan)
    {
        TensorShape image = shape with { Batch = 1 };
        if (mode == BatchMode.AllAtOnce) return new ShapeRun(program, program.PlanFor(shape, layout), plan, shape);
        if (mode == BatchMode.ImageByImage) return new ShapeRun(program, program.PlanFor(image, layout), plan, shape);
        if (mode == BatchMode.RowsAcrossThreads) return BandRun(program, shape, layout, plan.BandedOperations, plan);
        if (mode != BatchMode.ImagesAcrossThreads) throw new ArgumentOutOfRangeException(nameof(mode), mode, "not a batch mode"); // refused at construction
        if (!CanRunAcrossThreads(program)) throw new InvalidOperationException($"'{program.Name}' has a backend without a single-threaded form"); // refused at construction
        int threads = _backends.Max(b => b.Threads);
        var workers = new List<BatchWorker>();
        NetworkProgram? own = null;
        ShapePlan? ownBuffers = null;
        try
        {
            for (int w = 1; w < threads; w++)
            {
                NetworkProgram copy = SingleThreadedCopy(program);
                try
                {
                    workers.Add(new BatchWorker(copy, copy.PlanFor(image, layout)));
                }
                catch
                {
                    copy.Dispose();
                    throw;
                }
            }
            own = SingleThreadedCopy(program);
            ownBuffers = own.PlanFor(image, layout);
            return new ShapeRun(own, ownBuffers, plan, shape, workers.ToArray(), ownsProgram: true);
        }
        catch
        {
            foreach (BatchWorker worker in workers) worker.Dispose();
            ownBuffers?.Dispose();
            own?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <paramref name="program"/> for one image with its first <paramref name="ops"/> operations in row bands
    /// (<see cref="BatchMode.RowsAcrossThreads"/>): a band per thread, each on the single-threaded forms of the operations'
    /// backends, the cut value's rows shared as evenly as whole rows allow; the rest on the program's own threads.
    /// </summary>
    private ShapeRun BandRun(NetworkProgram program, TensorShape shape, TensorLayout layout, int ops, NetworkPlan plan)
    {
        if (!CanBand(program)) throw new InvalidOperationException($"'{program.Name}' cannot share an image's rows between threads here"); // refused at construction
        int threads = _backends.Max(b => b.Threads);
        ShapePlan buffers = program.PlanFor(shape, layout, ops);
        var bands = new List<RowBand>();
        try
        {
            int rows = buffers.Shapes[program.Graph.Ops[ops - 1].Output].Height;
            for (int t = 0; t < threads; t++)
                bands.Add(new RowBand(program, buffers, name => SingleThreadedForm(name)!, ops, (int)((long)rows * t / threads), (int)((long)rows * (t + 1) / threads)));
            return new ShapeRun(program, buffers, plan, shape, bands: new RowBandsRun(bands.ToArray()));
        }
        catch
        {
            foreach (RowBand band in bands) band.Dispose();
            buffers.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Whether <paramref name="program"/> can run its first operations in row bands here: operation by operation, with
    /// single-threaded forms of its backends, and XNNPACK among the backends (the bands run on the OpenMP team through its
    /// library's pthreadpool API, <see cref="RowBandsRun"/>).
    /// </summary>
    private bool CanBand(NetworkProgram program) => !program.IsWholeNetwork && CanRunAcrossThreads(program) && HasTeam;

    private bool HasTeam => _backends.Any(b => b is XnnpackBackend { Threads: > 1 });

    /// <summary>Whether every backend of <paramref name="program"/> has a single-threaded form here, and there is more than one thread to share.</summary>
    private bool CanRunAcrossThreads(NetworkProgram program) =>
        _backends.Max(b => b.Threads) > 1 && program.Backends.Where(b => b != "managed").All(b => SingleThreadedForm(b) is not null);

    /// <summary>The single-threaded form of a backend: "onednn/1" for "onednn", itself for "onednn/1"; null when there is none here.</summary>
    private ConvBackend? SingleThreadedForm(string name) =>
        _backends.FirstOrDefault(b => b.Name == name + "/1") ?? _backends.FirstOrDefault(b => b.Name == name && b.Threads == 1 && name.EndsWith("/1", StringComparison.Ordinal));

    /// <summary>A copy of <paramref name="program"/> with every convolution on its backend's single-threaded form: its own kernels and native state.</summary>
    private NetworkProgram SingleThreadedCopy(NetworkProgram program)
    {
        if (program.IsWholeNetwork)
            return WithTransformSources(NetworkProgram.WholeNetwork(program.Name, program.Graph, SingleThreadedForm(program.Backends[0])!)
                ?? throw new InvalidOperationException($"'{program.Backends[0]}' has no whole-network form on one thread"));
        var byConvolution = new Dictionary<ConvOp, ConvBackend>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < program.Graph.Ops.Count; i++)
            if (program.Graph.Ops[i] switch { ConvOp c => c, ConvSumOp f => f.Convolution, _ => null } is { } conv)
                byConvolution[conv] = SingleThreadedForm(program.Backends[i])!;
        return WithTransformSources(new NetworkProgram(program.Name, program.Graph, conv => byConvolution[conv], _precision));
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
    /// is done times the JIT, not the candidates. So the candidates run in turn, untimed, until the JIT has compiled
    /// nothing for 300 ms (as seen after each call; at most 2 s). It compiles in waves (tier 0, then instrumented, then
    /// optimized), with gaps of up to about 200 ms between them here: a shorter quiet period ended between two waves.
    /// With tiering off (<see cref="JitTiering"/>) there is nothing to wait for. Measured here with
    /// <see cref="PlanningMode.FirstCall"/> (`net bench`'s first call, batch 1, NHWC): v2 2.4-2.9 s with tiering on, of
    /// which the two waits 1.6-1.9 s; with it off, 1.3 s with the waits, 0.66-0.70 s without (v3-small: 2.3-2.6 s, 1.1 s,
    /// 0.53-0.55 s), its choices as good (`net plans`: auto within 3% of the fastest backend alone on 9 of 10 networks and
    /// layouts either way, the tenth within this machine's spread on a second run).
    /// </summary>
    private static IEnumerable<MeasuredCall> WarmUntilJitQuiet(ShapeMeasurement m, IReadOnlyList<Candidate> candidates)
    {
        if (!JitTiering.IsOn) yield break; // nothing compiles in the background: every candidate ran fully optimized from its first call
        long start = Stopwatch.GetTimestamp();
        do
        {
            foreach (Candidate candidate in candidates) yield return new(candidate);
        }
        while (m.JitQuietMilliseconds < JitQuietMilliseconds && Stopwatch.GetElapsedTime(start).TotalMilliseconds < MaxWarmUpMilliseconds);
    }

    private const double JitQuietMilliseconds = 300;
    private const double MaxWarmUpMilliseconds = 2000;

    /// <summary>The program for an assignment of backends to convolutions, made once and shared by every shape that uses it.</summary>
    private NetworkProgram Program(ConvBackend[] assigned, bool fuse, string name)
    {
        Dictionary<ConvOp, ConvBackend> byConvolution = ByConvolution(assigned);
        string key = $"{string.Join(",", assigned.Select(b => b.Name))}|{fuse}";
        if (_programs.TryGetValue(key, out NetworkProgram? program)) return program;
        program = WithTransformSources(new NetworkProgram(name, GraphFor(byConvolution, fuse), conv => byConvolution[conv], _precision));
        _programs.Add(key, program);
        return program;
    }

    /// <summary>Each convolution's backend, from an assignment in the network's convolution order.</summary>
    private Dictionary<ConvOp, ConvBackend> ByConvolution(ConvBackend[] assigned)
    {
        var byConvolution = new Dictionary<ConvOp, ConvBackend>(ReferenceEqualityComparer.Instance);
        for (int c = 0; c < _convolutions.Length; c++) byConvolution[_convolutions[c]] = assigned[c];
        return byConvolution;
    }

    /// <summary>The graph a program of that assignment runs: residual adds fused into the convolutions whose backend can, when <paramref name="fuse"/>.</summary>
    private NetworkGraph GraphFor(Dictionary<ConvOp, ConvBackend> byConvolution, bool fuse) =>
        fuse ? _graph.FuseResidualSums(conv => byConvolution[conv].HasResidualSum) : _graph;

    /// <summary>
    /// <paramref name="program"/>, its NCHW transposes chosen per shape among every backend here on the edge's threads
    /// (a oneDNN program may take XNNPACK's: one thread team runs both).
    /// </summary>
    private NetworkProgram WithTransformSources(NetworkProgram program)
    {
        program.TransformSources = _backends;
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
        program = NetworkProgram.WholeNetwork(backend.Name + WholeSuffix, _graph, backend) is { } whole ? WithTransformSources(whole) : null;
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
