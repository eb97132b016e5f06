using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// <see cref="NetworkOptions.PlanDirectory"/>: a measured plan is kept there and a later network follows it
/// without measuring, giving the same outputs; a file that cannot be read or does not fit is measured again and
/// replaced; a plan that cannot be saved is used all the same; another configuration keeps its own file; a plan
/// given to the constructor comes first.
/// </summary>
public sealed class PlanDirectoryTests : IDisposable
{
    private const int Size = 40;

    private readonly List<string> _directories = [];

    private static ConvBackends Backends(int threads = TestBackends.Threads) => NativeConvBuilder.BuiltIn().Configure(o => o.Threads = threads).Build();

    private static NetworkOptions Options(string directory, NetworkPlan? given = null) =>
        NetworkPlanTests.Auto(TensorLayout.Nhwc, given) with { PlanDirectory = directory };

    private string NewDirectory()
    {
        string directory = Directory.CreateTempSubdirectory("nativeconv-plans-").FullName;
        _directories.Add(directory);
        return directory;
    }

    public void Dispose()
    {
        foreach (string directory in _directories) Directory.Delete(directory, recursive: true);
    }

    private static (IReadOnlyList<NetworkBlock> Blocks, float[] Input, int OutputLength) Case(int batch)
    {
        var (blocks, channels, _) = NetworkCases.Get("v3-small");
        float[] x = NetworkCases.Rand(new Random(9), batch * channels * Size * Size, 1);
        return (blocks, x, batch * 1000);
    }

    /// <summary>The network's outputs for <paramref name="batch"/> images and the plan it ran, from a network made for the call.</summary>
    private static (float[] Output, NetworkPlan Plan, string? Problem) RunOnce(ConvBackends backends, string directory, int batch, NetworkPlan? given = null)
    {
        var (blocks, x, outputLength) = Case(batch);
        using var network = new ConvNetwork(blocks, backends, Options(directory, given));
        var y = new float[outputLength];
        network.Forward(x, y, batch, Size, Size);
        return (y, network.PlanFor(batch, Size, Size)!, network.PlanFileProblem);
    }

    private static void SkipWithoutNativeBackends()
    {
        foreach (string name in TestBackends.Native) TestBackends.GetOrSkip(name);
    }

    [SkippableFact]
    public void A_measured_plan_is_kept_and_a_later_network_follows_it_without_measuring_with_the_same_outputs()
    {
        SkipWithoutNativeBackends();
        string directory = NewDirectory();
        using ConvBackends backends = Backends();
        var (measuredOutput, measured, problem) = RunOnce(backends, directory, batch: 2); // two images: the batch split is kept too
        Assert.Null(problem);
        Assert.Null(measured.SourceFile);
        Assert.NotEmpty(measured.Measured);
        string file = Assert.Single(Directory.GetFiles(directory));
        Assert.EndsWith("-2x40x40-nhwc.json", file, StringComparison.Ordinal);

        var (followedOutput, followed, again) = RunOnce(backends, directory, batch: 2);
        Assert.Null(again);
        Assert.Equal(file, followed.SourceFile); // read from the file, not measured again
        Assert.Equal(measured.ToJson(), followed.ToJson());
        Assert.Equal(measuredOutput, followedOutput); // the same program on the same input
    }

    [SkippableFact]
    public void Each_input_shape_has_its_own_file()
    {
        SkipWithoutNativeBackends();
        string directory = NewDirectory();
        using ConvBackends backends = Backends();
        var (blocks, x, _) = Case(batch: 1);
        using var network = new ConvNetwork(blocks, backends, Options(directory));
        network.Forward(x, new float[1000], 1, Size, Size);
        network.Forward(x.AsSpan(0, x.Length / 2), new float[1000], 1, Size / 2, Size); // half the rows: another shape
        Assert.Equal(["-1x20x40-nhwc.json", "-1x40x40-nhwc.json"], Directory.GetFiles(directory).Select(f => f[f.LastIndexOf("-1x", StringComparison.Ordinal)..]).Order());
    }

    public static TheoryData<string, string> BadFiles() => new()
    {
        { "not json", "could not be read: not a network plan" },
        { "another machine", "was not followed: it was measured on another machine" },
        { "another shape", "was not followed: it is for NHWC 1x99x40x3, not NHWC 1x40x40x3" },
    };

    [SkippableTheory]
    [MemberData(nameof(BadFiles))]
    public void A_file_that_cannot_be_read_or_does_not_fit_is_measured_again_and_replaced(string what, string problem)
    {
        SkipWithoutNativeBackends();
        string directory = NewDirectory();
        using ConvBackends backends = Backends();
        var (_, measured, _) = RunOnce(backends, directory, batch: 1);
        string file = Assert.Single(Directory.GetFiles(directory));
        File.WriteAllText(file, what switch
        {
            "not json" => "garbage",
            "another machine" => (measured with { Machine = "Some Other CPU; avx2; 64 processors" }).ToJson(),
            _ => (measured with { Inputs = [measured.Inputs[0] with { Height = 99 }] }).ToJson(),
        });

        var (_, remeasured, reported) = RunOnce(backends, directory, batch: 1);
        Assert.Contains(problem, reported);
        Assert.Contains(file, reported);
        Assert.Null(remeasured.SourceFile);
        Assert.NotEmpty(remeasured.Measured);
        Assert.Equal(remeasured.ToJson(), NetworkPlan.Load(file).ToJson()); // replaced by the new measurement
    }

    [SkippableFact]
    public void A_plan_that_cannot_be_saved_is_used_all_the_same_and_the_problem_is_reported()
    {
        SkipWithoutNativeBackends();
        string blocker = Path.Combine(NewDirectory(), "a-file");
        File.WriteAllText(blocker, "a file where the plan directory would be");
        using ConvBackends backends = Backends();
        var (blocks, x, outputLength) = Case(batch: 1);
        using var measuring = new ConvNetwork(blocks, backends, Options(Path.Combine(blocker, "plans")));
        var y = new float[outputLength];
        measuring.Forward(x, y, 1, Size, Size);
        NetworkPlan plan = measuring.PlanFor(1, Size, Size)!;
        Assert.Contains("the plan could not be saved as", measuring.PlanFileProblem);
        Assert.NotEmpty(plan.Measured);

        // The plan the failed save was for, followed as given: the same outputs, so the run was the measured plan's.
        using var pinned = new ConvNetwork(blocks, TestBackends.All, NetworkPlanTests.Auto(TensorLayout.Nhwc, plan));
        var z = new float[outputLength];
        pinned.Forward(x, z, 1, Size, Size);
        Assert.Equal(y, z);
        measuring.Forward(x, z, 1, Size, Size); // and the network keeps running it
        Assert.Equal(y, z);
    }

    [SkippableFact]
    public void Another_thread_count_keeps_its_own_file()
    {
        SkipWithoutNativeBackends();
        string directory = NewDirectory();
        using (ConvBackends two = Backends(threads: 2)) RunOnce(two, directory, batch: 1);
        using ConvBackends one = Backends(threads: 1);
        var (_, plan, problem) = RunOnce(one, directory, batch: 1);
        Assert.Null(problem);
        Assert.Null(plan.SourceFile); // measured for its own configuration, not the 2-thread plan
        Assert.Equal(2, Directory.GetFiles(directory).Length);
    }

    [SkippableFact]
    public void A_plan_given_to_the_constructor_comes_before_the_directory()
    {
        SkipWithoutNativeBackends();
        string directory = NewDirectory();
        using ConvBackends backends = Backends();
        var (_, measured, _) = RunOnce(backends, directory, batch: 1);
        NetworkPlan given = measured with { Chosen = Candidate.Single(XnnpackBackend.BackendName, measured.Chosen.Backends.Count), Measured = [] };
        var (blocks, x, outputLength) = Case(batch: 1);
        using var network = new ConvNetwork(blocks, backends, Options(directory, given));
        network.Forward(x, new float[outputLength], 1, Size, Size);
        Assert.Same(given, network.PlanFor(1, Size, Size));
    }

    [Fact]
    public void An_empty_plan_directory_is_refused_naming_the_option()
    {
        var (blocks, _, _) = Case(batch: 1);
        var e = Assert.Throws<ArgumentException>(() => new ConvNetwork(blocks, ConvBackends.Of(new ReferenceBackend()), new NetworkOptions { PlanDirectory = "" }));
        Assert.Equal("PlanDirectory", e.ParamName);
    }
}
