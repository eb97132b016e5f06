using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// The resize on every backend and in both layouts against its reference (<see cref="OperationCheck"/>): nearest
/// exactly, bilinear within the derived bound, on seeded cases over both modes, the four coordinate conventions, the
/// three roundings, explicit sizes, scale factors up and down and sizes taken from another value; NaN carried through;
/// XNNPACK's subgraph node; and bad shapes refused before anything is written.
/// </summary>
public class ResizeTests
{
    public static TheoryData<string, TensorLayout> Cases() => TestBackends.Rows(TestBackends.Names, TestBackends.Layouts);

    /// <summary>Seeded cases a backend and layout each run.</summary>
    internal const int SeededCases = 72;

    /// <summary>One seeded case: its graph, input shapes and data, and what it is.</summary>
    internal sealed record SeededCase(NetworkGraph Graph, TensorShape[] Shapes, float[][] Inputs, bool Exact, string What);

    /// <summary>
    /// Case <paramref name="index"/>: the mode alternates, the convention cycles every 2, Nearest's rounding every 8, the
    /// size form (explicit, scale, another value's) every 24; sizes 1..40 (every sixth case an axis of 1), channels
    /// 1..48, batch 1..2, scale factors 0.2..3.2, all from the seed.
    /// </summary>
    internal static SeededCase Seeded(int index)
    {
        var random = new Random(9000 + index);
        ResizeMode mode = index % 2 == 0 ? ResizeMode.Bilinear : ResizeMode.Nearest;
        var coordinates = (ResizeCoordinates)(index / 2 % 4);
        NearestRounding rounding = mode == ResizeMode.Nearest ? (NearestRounding)(index / 8 % 3) : NearestRounding.Floor;
        int Side() => random.Next(1, 41);
        var input = new TensorShape(random.Next(1, 3), random.Next(1, 49), Side(), Side());
        if (index % 6 == 3) input = input with { Height = 1 };
        var g = new GraphBuilder();
        Value x = g.Input("x", input.Channels);
        TensorShape[] shapes = [input];
        string form;
        switch (index / 24 % 3)
        {
            case 0:
                var size = new Size2D(index % 6 == 5 ? 1 : Side(), Side());
                g.Output(g.Resize(x, ResizeSpec.ToSize(size, mode, coordinates, rounding), "resize"));
                form = $"to {size}";
                break;
            case 1:
                double sh = 0.2 + 3 * random.NextDouble(), sw = 0.2 + 3 * random.NextDouble();
                // Inputs large enough for an output of at least 1.
                input = input with { Height = Math.Max(input.Height, (int)Math.Ceiling(1 / sh)), Width = Math.Max(input.Width, (int)Math.Ceiling(1 / sw)) };
                shapes = [input];
                g.Output(g.Resize(x, ResizeSpec.ByScale(sh, sw, mode, coordinates, rounding), "resize"));
                form = $"by {sh:F3}x{sw:F3}";
                break;
            default:
                var like = new TensorShape(input.Batch, random.Next(1, 9), index % 6 == 5 ? 1 : Side(), Side());
                g.Output(g.ResizeLike(x, g.Input("like", like.Channels), mode, coordinates, rounding, "resize"));
                shapes = [input, like];
                form = $"like {like.Height}x{like.Width}";
                break;
        }
        float[][] data = shapes.Select((s, k) => OperationCheck.Input(s, 100 * index + k)).ToArray();
        return new SeededCase(g.Build(), shapes, data, mode == ResizeMode.Nearest, $"case {index}: {mode} {coordinates} {rounding} {input} {form}");
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Seeded_cases_match_the_reference_nearest_exactly_bilinear_within_the_bound(string backend, TensorLayout layout)
    {
        for (int index = 0; index < SeededCases; index++)
        {
            SeededCase c = Seeded(index);
            OperationCheck.Check(c.Graph, backend, layout, c.Shapes, c.Inputs, c.Exact, $"{c.What} on {backend} {layout}");
        }
    }

    /// <summary>
    /// oneDNN's resampling and XNNPACK's resize operator, which the backends do not lower to (the managed pass measured
    /// faster) but ResizeMeasurement keeps to measure again: the seeded cases through each library's kernel directly,
    /// NHWC, against the reference (nearest exactly, bilinear within the bound), guards untouched. The shapes a library
    /// does not match run its kernel's managed fallback; enough of them run the library itself.
    /// </summary>
    [SkippableTheory]
    [InlineData(OneDnnBackend.BackendName)]
    [InlineData(XnnpackBackend.BackendName)]
    public unsafe void The_library_kernels_kept_for_measurement_match_the_reference(string backendName)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        const int Guard = 19;
        const float GuardValue = -77.5f;
        int native = 0;
        float** values = stackalloc float*[3]; // x, another value's size, the output: every seeded graph's values
        for (int index = 0; index < SeededCases; index++)
        {
            SeededCase c = Seeded(index);
            var op = (ResizeOp)c.Graph.Ops[0];
            TensorShape[] shapes = c.Graph.Shapes(c.Shapes, TensorLayout.Nhwc);
            var opShapes = new OpShapes(op.Inputs.Select(v => shapes[v]).ToArray(), [shapes[op.Output]]);
            using OpKernel kernel = backend is OneDnnBackend onednn ? op.CreateOneDnnKernel(onednn) : op.CreateXnnpackKernel((XnnpackBackend)backend);
            using OpStep step = kernel.Instantiate(op, opShapes);
            if (!step.Implementation.Contains("managed", StringComparison.Ordinal)) native++;
            NativeFloatBuffer[] buffers = [.. c.Shapes.Select(s => new NativeFloatBuffer(s.Length)), new NativeFloatBuffer(opShapes.Output.Length + 2 * Guard)];
            try
            {
                for (int k = 0; k < c.Shapes.Length; k++)
                {
                    c.Inputs[k].CopyTo(new Span<float>(buffers[k].Pointer, c.Inputs[k].Length));
                    values[c.Graph.InputValues[k]] = buffers[k].Pointer;
                }
                var guarded = new Span<float>(buffers[^1].Pointer, buffers[^1].Length);
                guarded.Fill(GuardValue);
                values[op.Output] = buffers[^1].Pointer + Guard;
                step.Run(values);
                ReferenceTensor e = NetworkEvaluation.Run(c.Graph, c.Shapes.Select((s, k) => ReferenceTensor.Exact(c.Inputs[k], s, TensorLayout.Nhwc)).ToArray(), false)[0];
                for (int i = 0; i < e.Value.Length; i++)
                {
                    double actual = guarded[Guard + i];
                    Assert.True(c.Exact ? actual == e.Value[i] : Math.Abs(actual - e.Value[i]) <= e.Bound[i],
                        $"{c.What} on {step.Implementation}: output {i} {actual} vs {e.Value[i]} (bound {e.Bound[i]:e3})");
                }
                for (int g = 0; g < Guard; g++)
                    Assert.True(guarded[g] == GuardValue && guarded[^(g + 1)] == GuardValue, $"{c.What} on {step.Implementation}: a guard written");
            }
            finally
            {
                foreach (NativeFloatBuffer buffer in buffers) buffer.Dispose();
            }
        }
        Assert.True(native >= 12, $"only {native} of {SeededCases} cases ran on {backendName}'s own kernel");
    }

    /// <summary>A NaN in the input: nearest copies it exactly; bilinear makes NaN every output it weighs in (2x half-pixel: no weight is 0 in the interior).</summary>
    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void NaN_propagates(string backend, TensorLayout layout)
    {
        var shape = new TensorShape(1, 5, 6, 7);
        foreach (ResizeSpec spec in new[]
                 {
                     ResizeSpec.ByScale(2, 2, ResizeMode.Bilinear, ResizeCoordinates.HalfPixel),
                     ResizeSpec.ByScale(2, 2, ResizeMode.Nearest, ResizeCoordinates.Asymmetric),
                     ResizeSpec.ToSize(new Size2D(5, 9), ResizeMode.Nearest, ResizeCoordinates.HalfPixel, NearestRounding.RoundPreferFloor),
                 })
        {
            float[] x = OperationCheck.Input(shape, 11);
            int nan = new ReferenceTensor(shape, new double[shape.Length], new double[shape.Length]).IndexIn(layout, (2 * 7 + 2) * 5 + 1); // (y 2, x 2, channel 1): every spec here reads it
            x[nan] = float.NaN;
            var g = new GraphBuilder();
            g.Output(g.Resize(g.Input("x", 5), spec, "resize"));
            float[] y = OperationCheck.Check(g.Build(), backend, layout, [shape], [x], spec.Mode == ResizeMode.Nearest, $"{spec} with a NaN on {backend} {layout}")[0];
            Assert.Contains(y, float.IsNaN);
        }
    }

    /// <summary>
    /// An output beyond the last-level cache: the managed step writes it with streaming stores, and still within the bound.
    /// The case is sized from this machine's cache (skipped where sysfs does not say, or where it is too large to test).
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(Layouts))]
    public void An_output_beyond_the_last_level_cache_is_streamed_within_the_bound(TensorLayout layout)
    {
        Skip.If(LastLevelCache.Bytes is null, "the last-level cache's size is unknown here: nothing is streamed");
        Skip.IfNot(ChannelVectors.CanStream, "no streaming stores on this CPU");
        long cache = LastLevelCache.Bytes!.Value;
        int channels = (int)(cache / (4 * 150 * 150)) + 5; // input and output together beyond the cache
        Skip.If(channels > 800, $"a {cache >> 20} MiB cache makes too large a test");
        var shape = new TensorShape(1, channels, 17, 23);
        var g = new GraphBuilder();
        g.Output(g.Resize(g.Input("x", channels), ResizeSpec.ToSize(new Size2D(150, 150), ResizeMode.Bilinear, ResizeCoordinates.AlignCorners), "upsample"));
        NetworkGraph graph = g.Build();
        OperationCheck.Check(graph, ReferenceBackend.BackendName, layout, [shape], [OperationCheck.Input(shape, 5)], exact: false, $"{shape} to 150x150 {layout}");
        using var network = new ConvNetwork(graph, ConvBackends.Of(TestBackends.GetOrSkip(ReferenceBackend.BackendName)), new NetworkOptions { Layout = layout });
        network.Forward(new float[shape.Length], new float[channels * 150 * 150], 1, 17, 23);
        Assert.Contains("streaming", network.Describe()[0]);
    }

    /// <summary>The streaming blend is the plain blend's arithmetic, whatever the count and the destination's alignment.</summary>
    [SkippableFact]
    public unsafe void The_streaming_blend_writes_what_the_plain_blend_does()
    {
        Skip.IfNot(ChannelVectors.CanStream, "no streaming stores on this CPU");
        float[] a = OperationCheck.Input(new TensorShape(1, 1, 1, 80), 1), b = OperationCheck.Input(new TensorShape(1, 1, 1, 80), 2);
        var plain = new float[90];
        var streamed = new float[90];
        fixed (float* pa = a, pb = b, pp = plain, ps = streamed)
            for (int count = 1; count <= 70; count++)
                for (int offset = 0; offset < 9; offset++)
                {
                    ChannelVectors.Blend(pa, 0.3f, pb, 0.7f, pp + offset, count);
                    ChannelVectors.BlendStreaming(pa, 0.3f, pb, 0.7f, ps + offset, count);
                    Assert.Equal(plain, streamed);
                }
    }

    /// <summary>XNNPACK's subgraph runtime runs bilinear resizes as its node; it refuses nearest when the network is made (not at a call), naming the operation.</summary>
    [SkippableTheory]
    [MemberData(nameof(Layouts))]
    public void The_subgraph_runtime_runs_bilinear_and_refuses_nearest(TensorLayout layout)
    {
        var whole = new NetworkOptions { WholeRuntime = true };
        int checkedCases = 0;
        for (int index = 0; index < SeededCases; index += 2) // the bilinear ones
        {
            SeededCase c = Seeded(index);
            if (c.What.Contains("PytorchHalfPixel", StringComparison.Ordinal) && HasOutputAxisOf1(c)) continue; // no flag maps it: refused, below
            OperationCheck.Check(c.Graph, XnnpackBackend.BackendName, layout, c.Shapes, c.Inputs, exact: false, $"{c.What} in the subgraph runtime {layout}", whole);
            checkedCases++;
        }
        Assert.True(checkedCases >= 30, $"only {checkedCases} cases ran in the subgraph runtime");

        var g = new GraphBuilder();
        g.Output(g.Resize(g.Input("x", 4), ResizeSpec.ByScale(2, 2, ResizeMode.Nearest, ResizeCoordinates.Asymmetric), "up"));
        NetworkGraph nearest = g.Build();
        var e = Assert.Throws<NotSupportedException>(() => new ConvNetwork(nearest, ConvBackends.Of(TestBackends.GetOrSkip(XnnpackBackend.BackendName)), whole with { Layout = layout }));
        Assert.Contains("'up'", e.Message);
        Assert.Contains("nearest", e.Message);
    }

    public static TheoryData<TensorLayout> Layouts() => new(TestBackends.Layouts);

    private static bool HasOutputAxisOf1(SeededCase c)
    {
        using var network = new ConvNetwork(c.Graph, ConvBackends.Of(TestBackends.GetOrSkip(ReferenceBackend.BackendName)));
        TensorShape output = network.OutputShapes(c.Shapes)[0];
        return output.Height == 1 || output.Width == 1;
    }

    /// <summary>
    /// A scale that leaves nothing, and inputs beyond the largest size, are refused at the call with the operation and the
    /// shapes named, before anything runs: the output buffer is untouched.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void A_resize_to_zero_size_is_refused_naming_the_operation_and_the_shapes_with_nothing_written(string backend, TensorLayout layout)
    {
        var g = new GraphBuilder();
        g.Output(g.Resize(g.Input("x", 3), ResizeSpec.ByScale(0.5, 2, ResizeMode.Bilinear, ResizeCoordinates.HalfPixel), "down"));
        using var network = new ConvNetwork(g.Build(), ConvBackends.Of(TestBackends.GetOrSkip(backend)), new NetworkOptions { Layout = layout });
        var output = Enumerable.Repeat(-7f, 64).ToArray();
        var e = Assert.Throws<ArgumentException>(() => network.Forward(new float[3 * 1 * 4], output, 1, 1, 4));
        Assert.Contains("'down'", e.Message);
        Assert.Contains("zero size", e.Message);
        Assert.Contains(new TensorShape(1, 3, 1, 4).ToString(layout), e.Message);
        Assert.All(output, v => Assert.Equal(-7f, v));

        var like = new GraphBuilder();
        like.Output(like.ResizeLike(like.Input("x", 3), like.Input("size", 1), ResizeMode.Nearest, ResizeCoordinates.Asymmetric, name: "match"));
        using var matched = new ConvNetwork(like.Build(), ConvBackends.Of(TestBackends.GetOrSkip(backend)), new NetworkOptions { Layout = layout });
        TensorShape tall = new(1, 1, ResizeSpec.MaxSize + 1, 1);
        e = Assert.Throws<ArgumentException>(() => matched.OutputShapes([new TensorShape(1, 3, 2, 2), tall]));
        Assert.Contains("'match'", e.Message);
        Assert.Contains("largest", e.Message);
    }

    [Fact]
    public void The_spec_is_validated_and_computes_PyTorchs_output_size()
    {
        Assert.Equal((7, 3), ResizeSpec.ByScale(1.5, 0.5, ResizeMode.Nearest, ResizeCoordinates.Asymmetric).OutputSize(5, 7)); // ⌊7.5⌋, ⌊3.5⌋
        Assert.Equal((320, 320), ResizeSpec.ToSize(320, ResizeMode.Bilinear, ResizeCoordinates.HalfPixel).OutputSize(19, 19));
        Assert.Throws<ArgumentException>(() => ResizeSpec.ToSize(8, ResizeMode.Bilinear, ResizeCoordinates.HalfPixel, NearestRounding.RoundPreferCeil));
        Assert.Throws<ArgumentOutOfRangeException>(() => ResizeSpec.ByScale(0, 2, ResizeMode.Bilinear, ResizeCoordinates.HalfPixel));
        Assert.Throws<ArgumentOutOfRangeException>(() => ResizeSpec.ByScale(double.NaN, 2, ResizeMode.Bilinear, ResizeCoordinates.HalfPixel));
        Assert.Throws<ArgumentOutOfRangeException>(() => ResizeSpec.ByScale(2, double.PositiveInfinity, ResizeMode.Bilinear, ResizeCoordinates.HalfPixel));
        Assert.Throws<ArgumentOutOfRangeException>(() => ResizeSpec.ToSize(new Size2D(ResizeSpec.MaxSize + 1, 1), ResizeMode.Nearest, ResizeCoordinates.HalfPixel));
        Assert.Throws<ArgumentOutOfRangeException>(() => ResizeSpec.ToSize(8, ResizeMode.Nearest, (ResizeCoordinates)7));
        Assert.Equal("resize nearest by 2x2, half-pixel, round-prefer-ceil",
            ResizeSpec.ByScale(2, 2, ResizeMode.Nearest, ResizeCoordinates.HalfPixel, NearestRounding.RoundPreferCeil).ToString());
        Assert.Equal(ResizeSpec.ToSize(4, ResizeMode.Bilinear, ResizeCoordinates.AlignCorners), ResizeSpec.ToSize(4, ResizeMode.Bilinear, ResizeCoordinates.AlignCorners));

        var g = new GraphBuilder();
        Value image = g.Input("image", 3);
        Value up = g.ResizeLike(g.GlobalAveragePool(image, "pool"), image, ResizeMode.Bilinear, ResizeCoordinates.HalfPixel, name: "up");
        Assert.Equal(3, up.Channels);
        g.Output(up);
        Assert.Contains("up: resize bilinear to the size of 'image', half-pixel (pool, image -> up)", g.Build().Describe());
    }
}
