using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// Max and average pooling (PyTorch's MaxPool2d / AvgPool2d) alone on every backend under test and in both layouts,
/// against the reference (<see cref="OperationCheck"/>: guards untouched, inputs unchanged): the max exactly, the
/// average within its derived bound. Seeded cases over kernel, stride, padding, dilation, ceil mode and
/// count_include_pad (and the same in XNNPACK's whole runtime); NaN and infinities; a dilated window over padding only;
/// ceil mode's rule for the last window; the pools the whole runtime composes; bad specs and shapes refused.
/// </summary>
public class PoolTests
{
    private const int CasesPerRow = 64;

    public static TheoryData<string, TensorLayout, bool> Rows() => TestBackends.Rows(TestBackends.UnderTest, TestBackends.Layouts, [true, false]);

    private static NetworkGraph Graph(Pool2dSpec spec, int channels, bool maximum)
    {
        var g = new GraphBuilder();
        Value x = g.Input("x", channels);
        g.Output(maximum ? g.MaxPool2d(x, spec, "pool") : g.AvgPool2d(x, spec, "pool"));
        return g.Build();
    }

    private static string Kind(bool maximum) => maximum ? "max pool" : "average pool";

    [SkippableTheory]
    [MemberData(nameof(Rows))]
    public void Seeded_cases_match_the_reference(string backend, TensorLayout layout, bool maximum) => CheckSeeded(backend, layout, maximum, null);

    public static TheoryData<TensorLayout, bool> WholeRows() => TestBackends.Rows(TestBackends.Layouts, [true, false]);

    /// <summary>The nodes of XNNPACK's subgraph runtime, composed where its pooling nodes alone differ from PyTorch's.</summary>
    [SkippableTheory]
    [MemberData(nameof(WholeRows))]
    public void Seeded_cases_in_XNNPACKs_whole_runtime_match_the_reference(TensorLayout layout, bool maximum) =>
        CheckSeeded(XnnpackBackend.BackendName, layout, maximum, new NetworkOptions { WholeRuntime = true });

    private static void CheckSeeded(string backend, TensorLayout layout, bool maximum, NetworkOptions? options)
    {
        for (int seed = 0; seed < CasesPerRow; seed++)
        {
            PoolCase c = PoolCase.Random(seed, maximum);
            // Integers give the max ties (several taps equal to the largest) and the average exact sums.
            float[] x = OperationCheck.Input(c.Shape, seed, integers: seed % 3 == 0);
            OperationCheck.Check(Graph(c.Spec, c.Shape.Channels, maximum), backend, layout, [c.Shape], [x], exact: maximum,
                $"{Kind(maximum)} case {seed}: {c} on {backend}{(options is { WholeRuntime: true } ? " whole" : "")} {layout}", options);
        }
    }

    /// <summary>
    /// PyTorch's max pool returns NaN for a window holding a NaN wherever it lies in the window (checked against
    /// python3-torch 1.13, NCHW and channels_last), and ±∞ like any value; an average's sum carries a NaN.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(Rows))]
    public void NaN_propagates_and_infinities_are_values(string backend, TensorLayout layout, bool maximum)
    {
        foreach (var (spec, shape) in new[]
        {
            (new Pool2dSpec(3, 2, 1), new TensorShape(2, 24, 9, 10)),
            (new Pool2dSpec(2, ceilMode: true), new TensorShape(1, 9, 7, 5)),
            (new Pool2dSpec(new Size2D(3, 2), 1, Padding2D.Explicit(1, 0, 0, 1)), new TensorShape(1, 40, 6, 6)),
            (new Pool2dSpec(3, 1, 1, countIncludePad: false), new TensorShape(1, 16, 5, 6)),
            (new Pool2dSpec(2), new TensorShape(1, 16, 6, 6)),
        })
        {
            float[] x = OperationCheck.Input(shape, 11);
            var r = new Random(12);
            for (int i = 0; i < x.Length / 7; i++)
            {
                int at = r.Next(x.Length);
                // The average's bound is a distance, which an infinity makes meaningless: it gets NaN only.
                x[at] = !maximum || at % 3 == 0 ? float.NaN : at % 3 == 1 ? float.PositiveInfinity : float.NegativeInfinity;
            }
            float[] y = OperationCheck.Check(Graph(spec, shape.Channels, maximum), backend, layout, [shape], [x], exact: maximum,
                $"{Kind(maximum)} {spec} with NaN{(maximum ? " and infinities" : "")} on {backend} {layout}")[0];
            Assert.Contains(y, float.IsNaN); // the check compared NaN with NaN, not only finite values
            if (maximum) Assert.Contains(y, float.IsInfinity);
        }
    }

    /// <summary>Operation by operation, and on XNNPACK also in its whole runtime (composed nodes).</summary>
    private static IEnumerable<NetworkOptions?> Forms(string backend) =>
        backend == XnnpackBackend.BackendName ? [null, new NetworkOptions { WholeRuntime = true }] : [null];

    [SkippableTheory]
    [MemberData(nameof(Rows))]
    public void A_max_over_padding_only_is_minus_infinity_and_ceil_mode_keeps_a_window_only_if_it_starts_inside(string backend, TensorLayout layout, bool maximum)
    {
        foreach (NetworkOptions? options in Forms(backend))
        {
            string on = $"on {backend}{(options is null ? "" : " whole")} {layout}";
            if (maximum)
            {
                // Taps at -1 and 1 of a one-row input: both in the padding (PyTorch gives -inf).
                var spec = new Pool2dSpec(2, stride: 1, padding: 1, dilation: 2);
                var shape = new TensorShape(2, 10, 1, 1);
                float[] y = OperationCheck.Check(Graph(spec, shape.Channels, maximum), backend, layout, [shape], [OperationCheck.Input(shape, 13)], exact: true,
                    $"max over padding only {on}", options)[0];
                Assert.All(y, v => Assert.Equal(float.NegativeInfinity, v));
            }
            // 5 rows, kernel 2, stride 2, padding 1, ceil: ⌈5 / 2⌉ + 1 = 4 windows; the last would start at row 5, in the end padding: 3.
            var ceil = new Pool2dSpec(2, 2, 1, ceilMode: true);
            var input = new TensorShape(1, 3, 5, 5);
            float[] outputs = OperationCheck.Check(Graph(ceil, 3, maximum), backend, layout, [input], [OperationCheck.Input(input, 14)], exact: maximum,
                $"{Kind(maximum)} ceil mode {on}", options)[0];
            Assert.Equal(3 * 3 * 3, outputs.Length);
            // 4 columns, kernel 5, stride 3, ceil: one window, wider than the input, starting inside it (PyTorch keeps it).
            var wide = new Pool2dSpec(new Size2D(3, 5), new Size2D(2, 3), Padding2D.Symmetric(1, 0), ceilMode: true);
            var narrow = new TensorShape(2, 6, 5, 4);
            outputs = OperationCheck.Check(Graph(wide, 6, maximum), backend, layout, [narrow], [OperationCheck.Input(narrow, 15)], exact: maximum,
                $"{Kind(maximum)} window wider than the input {on}", options)[0];
            Assert.Equal(2 * 6 * 3 * 1, outputs.Length);
        }
    }

    /// <summary>
    /// The pools XNNPACK's nodes cannot take alone, which its whole runtime composes (a 1x1 window, a stride beyond the
    /// window, dilated taps over padding, both; an average counting padding in ceil mode), on every backend and form.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(Rows))]
    public void Pools_the_whole_runtime_composes_match_the_reference(string backend, TensorLayout layout, bool maximum)
    {
        Pool2dSpec[] specs = maximum
            ? [new(1, 2), new(2, 3), new(3, 1, 1, 2), new(2, 3, 1, 2, ceilMode: true), new(new Size2D(3, 2), new Size2D(1, 3), Padding2D.Explicit(1, 0, 1, 1), new Size2D(2, 1))]
            : [new(1, 2), new(2, 3), new(3, 2, 1, ceilMode: true), new(new Size2D(3, 2), new Size2D(2, 3), Padding2D.Explicit(1, 0, 0, 1), ceilMode: true)];
        var shape = new TensorShape(2, 12, 10, 11);
        foreach (NetworkOptions? options in Forms(backend))
            foreach (Pool2dSpec spec in specs)
                OperationCheck.Check(Graph(spec, shape.Channels, maximum), backend, layout, [shape], [OperationCheck.Input(shape, 16)], exact: maximum,
                    $"{Kind(maximum)} {spec} on {backend}{(options is null ? "" : " whole")} {layout}", options);
    }

    /// <summary>The seeded cases reach every rule and every path of the kernels: a test of the cases themselves.</summary>
    [Fact]
    public void The_seeded_cases_cover_every_rule_and_path()
    {
        foreach (bool maximum in new[] { true, false })
        {
            PoolCase[] cases = Enumerable.Range(0, CasesPerRow).Select(seed => PoolCase.Random(seed, maximum)).ToArray();
            Pool2dSpec[] specs = cases.Select(c => c.Spec).ToArray();
            var counts = new Dictionary<string, int>
            {
                ["ceil mode adding a window"] = cases.Count(c => c.Spec.CeilMode && (!PoolCase.Fits(Floor(c.Spec), c.Shape) || Output(c) != Output(c with { Spec = Floor(c.Spec) }))),
                ["asymmetric padding"] = specs.Count(s => s.Padding.Top != s.Padding.Bottom || s.Padding.Left != s.Padding.Right),
                ["padding counted"] = specs.Count(s => s.IsPadded && s.CountIncludePad),
                ["padding not counted"] = specs.Count(s => s.IsPadded && !s.CountIncludePad),
                ["1x1 kernel"] = specs.Count(s => s.Kernel == new Size2D(1, 1)),
                ["stride beyond the kernel"] = specs.Count(s => s.Stride.Height > s.Kernel.Height || s.Stride.Width > s.Kernel.Width),
                ["4 channel vectors"] = cases.Count(c => c.Shape.Channels >= 32),
                ["a channel tail"] = cases.Count(c => c.Shape.Channels % 8 != 0),
                ["a batch"] = cases.Count(c => c.Shape.Batch > 1),
                ["a size of 1"] = cases.Count(c => c.Shape.Height == 1 || c.Shape.Width == 1),
            };
            if (maximum) counts["dilation with padding"] = specs.Count(s => s.IsDilated && s.IsPadded);
            foreach (var (what, count) in counts) Assert.True(count >= 2, $"{Kind(maximum)}: {count} seeded cases with {what}");
        }
    }

    private static TensorShape Output(PoolCase c) => c.Spec.Geometry(c.Shape).Output;

    private static Pool2dSpec Floor(Pool2dSpec s) => new(s.Kernel, s.Stride, s.Padding, s.Dilation, ceilMode: false, s.CountIncludePad);

    [Fact]
    public void Specs_are_validated_when_made_and_say_what_they_compute()
    {
        Assert.Contains("at most half the 3x3 kernel", Assert.Throws<ArgumentException>(() => new Pool2dSpec(3, padding: 2)).Message);
        Assert.Contains("at most half", Assert.Throws<ArgumentException>(() => new Pool2dSpec(new Size2D(4, 2), padding: Padding2D.Explicit(0, 0, 0, 2))).Message);
        Assert.Contains("not Same", Assert.Throws<ArgumentException>(() => new Pool2dSpec(3, padding: Padding2D.Same)).Message);
        Assert.Contains("kernel must be given", Assert.Throws<ArgumentException>(() => new Pool2dSpec(default)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pool2dSpec(3, stride: 0));
        Assert.Throws<ArgumentException>(() => new Pool2dSpec(3, stride: default(Size2D)));
        Assert.Throws<ArgumentException>(() => new Pool2dSpec(3, dilation: default(Size2D)));
        var spec = new Pool2dSpec(3);
        Assert.Equal(new Size2D(3, 3), spec.Stride); // PyTorch's default stride: the kernel
        Assert.Equal(Padding2D.Symmetric(0), new Pool2dSpec(2, padding: Padding2D.Valid).Padding);
        Assert.Equal("3x3 stride 2 padding (t1, l0, b1, r1) dilation 2x1 ceil mode",
            new Pool2dSpec(3, 2, Padding2D.Explicit(1, 0, 1, 1), new Size2D(2, 1), ceilMode: true).ToString());
        var g = new GraphBuilder();
        Value x = g.Input("x", 4);
        g.Output(g.MaxPool2d(x, new Pool2dSpec(3, 2, 1), "max"), "max");
        g.Output(g.AvgPool2d(x, new Pool2dSpec(3, 1, 1, countIncludePad: false), "mean"), "mean");
        Assert.Equal(["max: max pool 3x3 stride 2 padding 1 (x -> max)", "mean: average pool 3x3 stride 1 padding 1 (padding not counted) (x -> mean)"],
            g.Build().Describe());
    }

    [Fact]
    public void An_average_pool_with_dilation_is_refused_at_build_naming_it()
    {
        var g = new GraphBuilder();
        Value x = g.Input("x", 5);
        var e = Assert.Throws<ArgumentException>(() => g.AvgPool2d(x, new Pool2dSpec(3, dilation: 2), "smooth"));
        Assert.Contains("'smooth'", e.Message);
        Assert.Contains("'x' (N, 5, H, W)", e.Message);
        Assert.Contains("no dilation", e.Message);
        Assert.Throws<ArgumentNullException>(() => g.MaxPool2d(x, null!));
    }

    public static TheoryData<string, bool, int, int, int, string> TooLarge() => new()
    {
        { "onednn", true, 5, 1, 0, "5x5 window" }, { "xnnpack", true, 5, 1, 0, "5x5 window" }, { "reference", true, 5, 1, 0, "5x5 window" },
        { "onednn", true, 3, 3, 1, "window dilated 3x3 (spanning 7x7)" }, { "xnnpack", true, 3, 3, 1, "window dilated 3x3 (spanning 7x7)" },
        { "onednn", false, 4, 1, 0, "4x4 window" }, { "xnnpack", false, 4, 1, 0, "4x4 window" }, { "reference", false, 4, 1, 0, "4x4 window" },
    };

    /// <summary>
    /// A window larger than its padded input (output size &lt; 1): refused at the first call, naming the operation and
    /// the shapes, before any backend runs (nothing written), in both forms on XNNPACK.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(TooLarge))]
    public void A_window_larger_than_the_padded_input_is_refused_at_the_first_call_with_nothing_written(string backend, bool maximum, int kernel, int dilation, int padding, string named)
    {
        var spec = new Pool2dSpec(kernel, stride: 1, padding: padding, dilation: maximum ? dilation : null);
        foreach (NetworkOptions? options in Forms(backend))
        {
            using var network = new ConvNetwork(Graph(spec, 2, maximum), ConvBackends.Of(TestBackends.GetOrSkip(backend)),
                (options ?? new NetworkOptions()) with { Layout = TensorLayout.Nchw });
            var input = new float[2 * 3 * 3];
            var output = Enumerable.Repeat(7f, 64).ToArray();
            var e = Assert.Throws<ArgumentException>(() => network.Forward(input, output, 1, 3, 3));
            Assert.Contains("'pool'", e.Message);
            Assert.Contains("NCHW 1x2x3x3", e.Message);
            Assert.Contains(named, e.Message);
            Assert.Contains($"padded to {3 + 2 * padding}x{3 + 2 * padding}", e.Message);
            Assert.All(output, v => Assert.Equal(7f, v));
        }
    }
}
