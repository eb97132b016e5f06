using System.Diagnostics;

namespace NativeConv;

/// <summary>
/// Chooses how a network runs per input shape. On one backend there is nothing to choose. With
/// <see cref="NetworkOptions.Auto"/> over several, the first call for a shape measures, within
/// <see cref="NetworkOptions.PlanningBudget"/>, the candidates that benchmarks showed can win: each backend alone
/// (with its fusions), then the per-operation mix of libraries, then, for a batch, the images shared between threads;
/// the rest (row bands, per-operation thread counts, image by image, fused-or-not variants) never won by more than
/// their noise and are gone (docs/benchmarks.md). A plan given in the options, or kept in the plan directory, is
/// followed without measuring when it fits. Every candidate shares one <see cref="KernelCache"/>, so the mix costs
/// runs, not preparation.
/// </summary>
internal sealed unsafe class Planner : IDisposable
{
    /// <summary>Calls per backend alone with every operation timed; each operation's fastest is its time.</summary>
    private const int FirstPassCalls = 3;

    /// <summary>Rounds at most: past this the estimate no longer moves, and the rest of the budget is not spent.</summary>
    private const int MaxRounds = 12;

    /// <summary>Timed pairs the split gets at least, budget or not: one pair's ratio alone is at the mercy of one slow call.</summary>
    private const int MinSplitPairs = 3;

    /// <summary>Rounds it takes to judge the noise, below which the mix is not chosen over a backend alone.</summary>
    private const int MinRoundsForMix = 3;

    /// <summary>
    /// How much faster another library must have run a group of operations in the first pass for the mix to move it
    /// there: per-operation times closer than this are a tie on this machine, and moving a tie can cost a fused sum.
    /// </summary>
    private const double MoveMargin = 0.10;

    /// <summary>The least the mix must win by over the fastest backend alone (more when the rounds were noisier).</summary>
    private const double MixMargin = 0.01;

    /// <summary>The least sharing a batch's images between threads must win by over the whole batch at once.</summary>
    private const double SplitMargin = 0.05;

    private readonly NetworkGraph _graph;
    private readonly NetworkOptions _options;
    private readonly CandidatePrograms _programs;
    private readonly string _fingerprint;
    private readonly PlanFiles? _files;
    private readonly NetworkPlan? _given;

    public Planner(NetworkGraph graph, ConvBackends backends, NetworkOptions options)
    {
        _graph = graph;
        _options = options;
        _fingerprint = graph.Fingerprint();
        _programs = new CandidatePrograms(graph, backends, options);
        IReadOnlyList<ConvBackend> all = _programs.Backends;
        Name = options.Backend == NetworkOptions.Auto && all.Count > 1 ? NetworkOptions.Auto : all[0].Name;
        if (options.Plan is { } plan)
        {
            Rejection = Refusal(plan);
            if (Rejection is null) _given = plan;
        }
        if (Measures && options.PlanDirectory is { } directory)
            _files = new PlanFiles(Path.GetFullPath(directory), _fingerprint, $"{PlanEnvironment.Machine}; {PlanEnvironment.Versions}; "
                + string.Join(", ", all.Select(b => $"{b.Name} on {b.Threads} threads")) + $"; {options.Precision}; mixing {(options.Mixing ? "on" : "off")}");
    }

    /// <summary>"auto" when it measures, else the one backend's name.</summary>
    public string Name { get; } = "";

    /// <summary>Whether new shapes are measured (auto over more than one backend).</summary>
    public bool Measures => _programs.Backends.Count > 1;

    /// <summary>Why the plan in the options was not followed (null: none given, or followed).</summary>
    public string? Rejection { get; }

    /// <summary>The latest problem with a plan file: one that could not be read or did not fit (measured again and replaced), or one that could not be saved.</summary>
    public string? PlanFileProblem { get; private set; }

    /// <summary>
    /// The program for <paramref name="shape"/>: the given plan or the shape's plan file when it fits, the one backend,
    /// or measured now on the caller's pinned call (<paramref name="input"/>, <paramref name="output"/>, whose result the
    /// caller computes afterwards with the program returned).
    /// </summary>
    /// <param name="known">A plan chosen earlier for this shape (its program was evicted since): followed, not measured again.</param>
    public ShapeProgram Plan(TensorShape[] shape, TensorLayout layout, float** input, float** output, NetworkPlan? known)
    {
        if (known is not null) return _programs.Follow(known);
        if (_given is { } given && IsFor(given, shape, layout)) return _programs.Follow(given);
        if (!Measures) return _programs.Follow(PlanOf(_programs.Single(_programs.Backends[0].Name), shape, layout, [], null));
        string? path = _files?.PathFor(shape, layout);
        if (path is not null)
        {
            if (PlanFiles.TryLoad(path, out string? unreadable) is { } stored)
            {
                string? refusal = Refusal(stored) ?? (IsFor(stored, shape, layout) ? null
                    : $"it is for {string.Join(", ", stored.Inputs.Select(i => i.ToString(stored.Layout)))}, not {string.Join(", ", shape.Select(i => i.ToString(layout)))}");
                if (refusal is null) return _programs.Follow(stored);
                PlanFileProblem = $"{path} was not followed: {refusal}; measured again and replaced";
            }
            else if (unreadable is not null)
            {
                PlanFileProblem = $"{unreadable}; measured again and replaced";
            }
        }
        ShapeProgram measured = Measure(shape, layout, input, output);
        if (path is not null && _files!.TrySave(measured.Plan, path) is { } unsaved) PlanFileProblem = unsaved;
        return measured;
    }

    /// <summary>Null when <paramref name="plan"/> can run this network on these backends here; otherwise why not.</summary>
    private string? Refusal(NetworkPlan plan) =>
        plan.CheckFits(_fingerprint, PlanEnvironment.Machine, PlanEnvironment.Versions, _graph.Ops.Count)
        ?? (plan.Chosen.Libraries.FirstOrDefault(b => _programs.Backends.All(c => c.Name != b)) is { } missing
            ? $"it uses backend '{missing}', which is not among {string.Join(", ", _programs.Backends.Select(b => b.Name))}" : null)
        ?? (plan.Chosen.WholeRuntime != _options.WholeRuntime ? $"it runs the network {(plan.Chosen.WholeRuntime ? "whole" : "operation by operation")}, these options do not" : null)
        ?? (plan.Chosen.Split == BatchSplit.ImagesAcrossThreads && !_programs.CanSplit(plan.Chosen)
            ? "it shares a batch's images between threads, and these backends have one thread or no single-threaded form" : null);

    private static bool IsFor(NetworkPlan plan, TensorShape[] shape, TensorLayout layout) => plan.Inputs.SequenceEqual(shape) && plan.Layout == layout;

    private NetworkPlan PlanOf(Candidate chosen, TensorShape[] shape, TensorLayout layout, IReadOnlyList<CandidateTime> measured, double? margin) => new()
    {
        Network = _fingerprint, Inputs = shape, Layout = layout, Chosen = chosen, Machine = PlanEnvironment.Machine, Versions = PlanEnvironment.Versions,
        Measured = measured, ResolvableMargin = margin,
    };

    /// <summary>
    /// Measures <paramref name="shape"/> on the caller's pinned call within the budget and returns the chosen program.
    /// 1. Each backend alone: its instance (its first call makes the native state, untimed), then calls with every
    ///    operation timed (each operation's fastest counts). 2. The mix: the fastest backend alone, with each group of
    ///    operations another library ran clearly faster moved there. 3. Rounds: every candidate once per round in
    ///    rotating order while a round fits the budget; each round's times relative to the round's others
    ///    (<see cref="DriftCorrectedTimes"/>), so the machine's drift cancels. 4. The fastest backend alone, or the mix
    ///    when it wins by more than the margin the rounds could resolve. 5. For a batch, the choice against itself with
    ///    the images shared between threads, while the budget lasts.
    /// </summary>
    private ShapeProgram Measure(TensorShape[] shape, TensorLayout layout, float** input, float** output)
    {
        var clock = Stopwatch.StartNew();
        double budget = _options.BudgetFor(shape[0].Batch).TotalMicroseconds;
        bool Within() => clock.Elapsed.TotalMicroseconds < budget;
        var trials = new List<Trial>();
        Trial? kept = null;
        try
        {
            foreach (ConvBackend backend in _programs.Backends)
            {
                if (trials.Count > 0 && !Within()) break;
                var trial = new Trial(_programs.Program(_programs.Single(backend.Name)), shape, layout);
                trials.Add(trial);
                trial.Run(input, output);
                for (int c = 0; c < FirstPassCalls && (c == 0 || Within()); c++) trial.RunPerOperation(input, output);
            }
            if (_options.Mixing && trials.Count > 1 && Within() && Mix(trials) is { } mix)
            {
                var trial = new Trial(_programs.Program(mix), shape, layout);
                trials.Add(trial);
                trial.Run(input, output);
            }

            int rounds = 0;
            while (rounds < MaxRounds && (rounds == 0 ? Within() : clock.Elapsed.TotalMicroseconds + trials.Sum(t => t.Rounds[^1]) < budget))
            {
                for (int place = 0; place < trials.Count; place++) trials[(rounds + place) % trials.Count].RunTimed(input, output);
                rounds++;
            }

            double[] estimates = rounds > 0 ? DriftCorrectedTimes.Estimate(trials.Select(t => t.Rounds.ToArray()).ToArray())
                : trials.Select(t => t.FirstPassMicroseconds).ToArray();
            double? margin = rounds >= MinRoundsForMix ? Resolvable(trials.Select(t => t.Rounds).ToArray(), estimates) : null;
            int chosen = Choose(estimates, trials.Count(t => !t.Program.Candidate.IsMixed), margin);

            var measured = trials.Select((t, i) => new CandidateTime(t.Program.Candidate, Math.Round(estimates[i], 1))).ToList();
            kept = trials[chosen];
            NetworkPlan plan = PlanOf(kept.Program.Candidate, shape, layout, measured, margin is { } mm ? Math.Round(mm, 4) : null);
            // A batch always races the split, even past the budget: it is the candidate that wins most at a batch (and a
            // budget spent on the backends' first calls must not cost it), and MinSplitPairs pairs take a few calls.
            if (shape[0].Batch > 1 && _programs.CanSplit(plan.Chosen))
                return SplitOrNot(plan, kept, clock, budget, input, output, measured, estimates[chosen]);
            return CandidatePrograms.AllAtOnce(plan, kept.Keep());
        }
        finally
        {
            foreach (Trial trial in trials) trial.Dispose(); // a kept trial's instance was handed over
        }
    }

    /// <summary>
    /// The index of the candidate to keep: the fastest of the first <paramref name="singles"/> (each backend alone), unless
    /// a later one (the mix) is faster by more than both <see cref="MixMargin"/> and the <paramref name="margin"/> the
    /// rounds could resolve; without a margin (too few rounds to judge the noise), never a later one.
    /// </summary>
    internal static int Choose(IReadOnlyList<double> estimates, int singles, double? margin)
    {
        int best = Enumerable.Range(0, singles).MinBy(i => estimates[i]), chosen = best;
        for (int i = singles; i < estimates.Count; i++)
            if (margin is { } m && estimates[i] < estimates[best] * (1 - Math.Max(MixMargin, m)) && estimates[i] < estimates[chosen]) chosen = i;
        return chosen;
    }

    /// <summary>
    /// The resolvable margin: how far the rounds' ratios between the two fastest candidates scatter, as the half-width of
    /// an approximate 95% interval of their median (3.7 median absolute deviations over √rounds), at least 0.5%.
    /// </summary>
    private static double Resolvable(IReadOnlyList<List<double>> rounds, double[] estimates)
    {
        int[] order = Enumerable.Range(0, estimates.Length).OrderBy(i => estimates[i]).ToArray();
        List<double> a = rounds[order[0]], b = rounds[order[Math.Min(1, order.Length - 1)]];
        int n = Math.Min(a.Count, b.Count);
        double[] ratios = Enumerable.Range(0, n).Select(r => Math.Log(b[b.Count - n + r] / a[a.Count - n + r])).ToArray();
        double median = DriftCorrectedTimes.Median(ratios);
        double deviation = DriftCorrectedTimes.Median(ratios.Select(r => Math.Abs(r - median)));
        return Math.Max(0.005, 3.7 * deviation / Math.Sqrt(n));
    }

    /// <summary>
    /// The candidate that moves each group of operations (those some backend fuses together, or one alone) from the fastest
    /// backend alone to the backend that ran it more than <see cref="MoveMargin"/> faster; null when nothing moves.
    /// </summary>
    private Candidate? Mix(IReadOnlyList<Trial> singles)
    {
        int ops = _graph.Ops.Count;
        // Groups: operations fused together in any program are compared together (each named by its first operation).
        var group = Enumerable.Range(0, ops).ToArray();
        foreach (Trial trial in singles)
            foreach (int[] origins in trial.Program.Origins)
                foreach (int o in origins)
                    group[o] = group[origins[0]];
        var cost = singles.Select(t =>
        {
            var c = new double[ops];
            for (int p = 0; p < t.Program.Origins.Length; p++) c[group[t.Program.Origins[p][0]]] += t.FastestTicks[p];
            return c;
        }).ToArray();
        int baseline = Enumerable.Range(0, singles.Count).MinBy(i => singles[i].FirstPassMicroseconds);
        var backends = singles[baseline].Program.Candidate.Backends.ToArray();
        bool moved = false;
        for (int g = 0; g < ops; g++)
        {
            if (group[g] != g || !Enumerable.Range(0, ops).Any(o => group[o] == g && IsConvolution(o))) continue; // moved only where a convolution runs
            int fastest = Enumerable.Range(0, singles.Count).MinBy(i => cost[i][g]);
            if (fastest == baseline || !(cost[fastest][g] < (1 - MoveMargin) * cost[baseline][g])) continue;
            for (int o = 0; o < ops; o++)
                if (group[o] == g) backends[o] = singles[fastest].Program.Candidate.Backends[o];
            moved = true;
        }
        return moved ? new Candidate(backends) : null;
    }

    private bool IsConvolution(int op) => _graph.Ops[op] is ConvOp;

    /// <summary>Step 5: the chosen candidate against itself with the images shared between threads, in alternating timed calls while the budget lasts.</summary>
    private ShapeProgram SplitOrNot(NetworkPlan plan, Trial chosen, Stopwatch clock, double budget, float** input, float** output,
        List<CandidateTime> measured, double chosenEstimate)
    {
        NetworkPlan split = plan with { Chosen = plan.Chosen.WithSplit(BatchSplit.ImagesAcrossThreads) };
        ExecutionContext? across = _programs.AcrossThreads(split);
        try
        {
            across.Run(input, output); // makes each copy's native state
            var ratios = new List<double>();
            while (ratios.Count < MinSplitPairs || clock.Elapsed.TotalMicroseconds < budget)
            {
                long start = Stopwatch.GetTimestamp();
                across.Run(input, output);
                double acrossTime = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                chosen.RunTimed(input, output);
                ratios.Add(acrossTime / chosen.Rounds[^1]);
                if (ratios.Count >= MaxRounds) break;
            }
            double ratio = DriftCorrectedTimes.Median(ratios);
            measured.Add(new CandidateTime(split.Chosen, Math.Round(chosenEstimate * ratio, 1)));
            if (ratio < 1 - Math.Max(SplitMargin, plan.ResolvableMargin ?? 0))
            {
                NetworkPlan chosenSplit = split with { Measured = measured };
                (ExecutionContext kept, across) = (across, null);
                return new ShapeProgram(chosenSplit, kept, () => _programs.AcrossThreads(chosenSplit));
            }
            return CandidatePrograms.AllAtOnce(plan with { Measured = measured }, chosen.Keep());
        }
        finally
        {
            across?.Dispose();
        }
    }

    public void Dispose() => _programs.Dispose();
}
