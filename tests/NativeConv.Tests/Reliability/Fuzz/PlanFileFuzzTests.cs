using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Tests;

/// <summary>
/// Mutated plan files (<see cref="PlanMutator"/>, from a plan measured here) read the three ways a user reads one, each
/// case within <see cref="TimeLimit.PerCase"/>: <see cref="NetworkPlan.FromJson"/> and <see cref="NetworkPlan.Load"/>
/// give the same plan or throw <see cref="FormatException"/>, the one exception they document, saying why; a plan that
/// parses prints and saves again; given as <see cref="NetworkOptions.Plan"/> it is followed for its shape, kept for
/// another shape, or refused with <see cref="ConvNetwork.PlanRejection"/> saying why; kept as the shape's file in
/// <see cref="NetworkOptions.PlanDirectory"/> it is followed or <see cref="ConvNetwork.PlanFileProblem"/> says why not.
/// Either way the network runs, its output within the derived bound of the block's reference. Nothing else may be
/// thrown. CI runs 1,000 cases; NATIVECONV_FUZZ_CASES=10000 (build/fuzz.sh) runs more.
/// </summary>
public sealed class PlanFileFuzzTests(ITestOutputHelper log) : IDisposable
{
    private const string Block = "bottleneck k5 SE HardSwish (residual)"; // expand, depthwise, SE, project, residual: every kind of plan entry

    private readonly string _dir = Directory.CreateTempSubdirectory("nativeconv-plan-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Auto over the native backends; a plan that is not followed is measured with no budget: one backend, one call.</summary>
    private static NetworkOptions Options(NetworkPlan? plan = null, string? directory = null) => new()
    {
        Candidates = TestBackends.Native, PlanningBudget = TimeSpan.Zero, Plan = plan, PlanDirectory = directory,
    };

    /// <summary>The plan in <paramref name="text"/>, or null when FromJson refuses it with a FormatException that says why.</summary>
    private static NetworkPlan? Parsed(string text)
    {
        try
        {
            return NetworkPlan.FromJson(text);
        }
        catch (FormatException e) when (e.Message.Length > 0)
        {
            return null;
        }
    }

    [SkippableFact]
    public void Mutated_plans_are_followed_kept_or_refused_with_the_reason_and_the_network_runs_within_its_bound()
    {
        foreach (string name in TestBackends.Native) TestBackends.GetOrSkip(name);
        var (blocks, channels, size) = NetworkCases.Get(Block);
        var shape = new TensorShape(1, channels, size, size);
        float[] x = NetworkCases.Rand(new Random(17), shape.Length, 1);
        ReferenceTensor expected = NetworkEvaluation.Run(blocks, ReferenceTensor.Exact(x, shape, TensorLayout.Nchw), foldedFromBatchNorm: false);

        // The plan measured here, with the default budget: every candidate timed, so every field is filled.
        string json;
        using (var network = new ConvNetwork(blocks, TestBackends.All, Options() with { PlanningBudget = null }))
            json = network.Plan(shape).ToJson();
        // The shape's file in a plan directory: named by what the network writes there.
        string directory = Path.Combine(_dir, "plans");
        using (var network = new ConvNetwork(blocks, TestBackends.All, Options(directory: directory)))
            network.Forward(x, new float[expected.Value.Length], 1, size, size);
        string planFile = Assert.Single(Directory.GetFiles(directory));
        string loose = Path.Combine(_dir, "loose.json");

        void RunsWithinBound(ConvNetwork network)
        {
            var y = new float[expected.Value.Length];
            network.Forward(x, y, 1, size, size);
            for (int i = 0; i < y.Length; i++)
                if (!(Math.Abs(y[expected.IndexIn(TensorLayout.Nchw, i)] - expected.Value[i]) <= expected.Bound[i]))
                    throw new Xunit.Sdk.XunitException($"output {i}: {y[expected.IndexIn(TensorLayout.Nchw, i)]} vs {expected.Value[i]}, beyond the bound {expected.Bound[i]:e3}");
        }

        /// <summary>One case: the outcomes of the three ways in, e.g. "parsed, given: followed, directory: followed".</summary>
        string Case(string text)
        {
            NetworkPlan? parsed = Parsed(text);
            File.WriteAllText(loose, text);
            // A byte order mark at the start of a file is its encoding's, not its text: reading the file drops it.
            NetworkPlan? asRead = text.StartsWith('\uFEFF') ? Parsed(text[1..]) : parsed;
            NetworkPlan? loaded = null;
            try
            {
                loaded = NetworkPlan.Load(loose);
            }
            catch (FormatException) when (asRead is null)
            {
            }
            if ((asRead is null) != (loaded is null)) throw new Xunit.Sdk.XunitException($"FromJson {(asRead is null ? "refused" : "parsed")} it, Load {(loaded is null ? "refused" : "read")} it");
            if (loaded is not null && (loaded.ToJson() != asRead!.ToJson() || loaded.SourceFile != loose)) throw new Xunit.Sdk.XunitException("Load read another plan than FromJson");
            string outcome = "refused by FromJson" + (loaded is null ? " and Load" : "");
            if (parsed is not null)
            {
                _ = parsed.ToString(); // a plan is a value to print
                NetworkPlan.FromJson(parsed.ToJson()); // and to save and read again
                using var network = new ConvNetwork(blocks, TestBackends.All, Options(parsed));
                RunsWithinBound(network);
                NetworkPlan ran = network.PlanFor(1, size, size)!;
                bool forThisShape = parsed.Inputs.SequenceEqual([shape]) && parsed.Layout == TensorLayout.Nchw;
                outcome = "parsed, given: " + (network.PlanRejection is { Length: > 0 } ? "refused"
                    : network.PlanRejection is not null ? throw new Xunit.Sdk.XunitException("refused with an empty reason")
                    : !forThisShape ? "kept for its shape"
                    : ReferenceEquals(ran, parsed) ? "followed"
                    : throw new Xunit.Sdk.XunitException($"fits and is for this shape, but {ran.Chosen} ran instead of {parsed.Chosen}"));
            }
            File.WriteAllText(planFile, text);
            using (var network = new ConvNetwork(blocks, TestBackends.All, Options(directory: directory)))
            {
                RunsWithinBound(network);
                bool followed = network.PlanFor(1, size, size)!.SourceFile == planFile;
                outcome += ", directory: " + (followed ? "followed"
                    : network.PlanFileProblem is { Length: > 0 } ? "not followed, said why"
                    : throw new Xunit.Sdk.XunitException("the file was neither followed nor reported"));
            }
            return outcome;
        }

        var r = new Random(8803);
        var outcomes = new Dictionary<string, int>();
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        int cases = FuzzTests.Cases;
        for (int i = 0; i < cases; i++)
        {
            var (text, what) = PlanMutator.Next(json, r);
            string outcome = "";
            bool finished = TimeLimit.Run(() => outcome = Case(text), TimeLimit.PerCase, out Exception? thrown);
            if (!finished) failures.Add($"case {i} ({what}): no result within {TimeLimit.PerCase.TotalSeconds} s");
            else if (thrown is not null) failures.Add($"case {i} ({what}): {thrown.GetType().FullName}: {thrown.Message}\n{thrown.StackTrace}");
            else outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        log.WriteLine($"plans: {cases} cases, in {clock.Elapsed.TotalSeconds:0.0} s: " +
            string.Join("; ", outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Value} {o.Key}")) + $"; {failures.Count} failures");
        foreach (string f in failures.Take(20)) log.WriteLine(f);
        Assert.Empty(failures.Take(10));
        int refused = outcomes.Where(o => o.Key.StartsWith("refused", StringComparison.Ordinal)).Sum(o => o.Value);
        int followed = outcomes.Where(o => o.Key.Contains("given: followed", StringComparison.Ordinal)).Sum(o => o.Value);
        Assert.True(refused > cases / 10 && followed > cases / 20, $"unbalanced draw: {refused} refused by FromJson, {followed} followed, of {cases}");
    }
}
