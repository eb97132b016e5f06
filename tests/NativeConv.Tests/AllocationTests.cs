using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// Once a shape is warm, Forward allocates nothing on the managed heap, for every backend, layout and layer kind:
/// counted on every thread a call runs managed code on, the caller's and its batch workers' (each worker's count read
/// on its own thread, <see cref="ConvNetwork.WorkerAllocatedBytes"/>; native threads allocate nothing managed). Not the
/// process's total: the test host's own threads allocate a few KB a window of their own.
/// A window of calls can be billed a one-off allocation that is not the code's: tiered compilation promotes hot methods
/// on wall-clock timers and can do so mid-window on the caller's thread. So up to three consecutive windows are
/// measured and the first clean one ends it: an allocation per call dirties every window and still fails; a one-off
/// dirties one, and is logged.
/// </summary>
public class AllocationTests(Xunit.Abstractions.ITestOutputHelper log)
{
    private long AllocatedInCleanWindow(Action calls, Func<long>? workers = null)
    {
        long allocated = 0;
        for (int window = 0; window < 3; window++)
        {
            long workersBefore = workers?.Invoke() ?? 0; // read outside the counted span: reading allocates
            long before = GC.GetAllocatedBytesForCurrentThread();
            calls();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            allocated += (workers?.Invoke() ?? 0) - workersBefore;
            if (allocated == 0) return 0;
            log.WriteLine($"window {window}: {allocated} bytes (a one-off is retried; a per-call allocation dirties every window)");
        }
        return allocated;
    }

    public static TheoryData<string, TensorLayout> Cases()
    {
        var data = new TheoryData<string, TensorLayout>();
        foreach (string backend in TestBackends.Names)
            foreach (TensorLayout layout in Enum.GetValues<TensorLayout>())
                data.Add(backend, layout);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Warm_forward_allocates_nothing(string backendName, TensorLayout layout)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        using var block = new DepthwiseSeparableConv2d(16, 24, 3, new float[16 * 9], new float[16], new float[24 * 16], new float[24],
            backend, new DepthwiseSeparableOptions { Padding = 1, Stride = 2, DepthwiseActivation = Activation.HardSwish, Layout = layout });
        var input = new float[2 * 16 * 20 * 20];
        var output = new float[block.Geometry(2, 20, 20).OutputLength];
        block.Forward(input, output, 2, 20, 20); // first call for the shape: native state made here

        Assert.Equal(0, AllocatedInCleanWindow(() =>
        {
            for (int i = 0; i < 50; i++) block.Forward(input, output, 2, 20, 20);
        }));
    }

    /// <summary>A whole network (squeeze-and-excitation, residuals, pool, classifier) once warm: nothing either.</summary>
    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Warm_network_forward_allocates_nothing(string backendName, TensorLayout layout)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        var (blocks, channels, size) = NetworkCases.Get("v3-small");
        using var network = new ConvNetwork(blocks, ConvBackends.Of(backend), new NetworkOptions { Layout = layout });
        var input = new float[2 * channels * size * size];
        var output = new float[network.OutputShape(new TensorShape(2, channels, size, size)).Length];
        network.Forward(input, output, 2, size, size); // first call for the shape: buffers and native state made here

        Assert.Equal(0, AllocatedInCleanWindow(() =>
        {
            for (int i = 0; i < 5; i++) network.Forward(input, output, 2, size, size);
        }));
    }

    /// <summary>Every smooth activation standalone, fused in a convolution and after a residual add (oneDNN: fused into the sum), once warm: nothing either.</summary>
    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Warm_activations_allocate_nothing(string backendName, TensorLayout layout)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        var g = new GraphBuilder();
        Value x = g.Input("x", 16);
        foreach (Activation activation in new[] { Activation.Sigmoid, Activation.SiLU, Activation.GELU, Activation.Tanh })
        {
            Value alone = g.Activation(x, activation);
            Value conv = g.Conv2d(alone, Conv2dSpec.Pointwise(16, 16, activation: activation), new float[256], new float[16]);
            x = g.Add(g.Conv2d(conv, Conv2dSpec.Pointwise(16, 16), new float[256], new float[16]), alone, activation);
        }
        g.Output(x);
        using var network = new ConvNetwork(g.Build(), ConvBackends.Of(backend), new NetworkOptions { Layout = layout });
        var input = new float[2 * 16 * 13 * 11];
        var output = new float[input.Length];
        network.Forward(input, output, 2, 13, 11); // first call for the shape: buffers and native state made here

        Assert.Equal(0, AllocatedInCleanWindow(() =>
        {
            for (int i = 0; i < 20; i++) network.Forward(input, output, 2, 13, 11);
        }));
    }

    /// <summary>ShuffleNet v2's units (split, concat, channel shuffle between the convolutions) once warm: nothing either.</summary>
    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Warm_shufflenet_units_allocate_nothing(string backendName, TensorLayout layout)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        using var network = new ConvNetwork(ShuffleNetUnit.Stage(24, 48, seed: 1), ConvBackends.Of(backend), new NetworkOptions { Layout = layout });
        var input = new float[2 * 24 * 14 * 14];
        var output = new float[network.OutputShape(new TensorShape(2, 24, 14, 14)).Length];
        network.Forward(input, output, 2, 14, 14); // first call for the shape: buffers and native state made here

        Assert.Equal(0, AllocatedInCleanWindow(() =>
        {
            for (int i = 0; i < 5; i++) network.Forward(input, output, 2, 14, 14);
        }));
    }

    /// <summary>
    /// Max and average pools (a ceil-mode max, an average counting its padding, one not) once warm: nothing either, on
    /// every backend, and in XNNPACK's whole runtime.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Warm_pools_allocate_nothing(string backendName, TensorLayout layout)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        var g = new GraphBuilder();
        Value x = g.Input("x", 24);
        Value max = g.MaxPool2d(x, new Pool2dSpec(3, 2, 1, ceilMode: true), "max");
        g.Output(g.AvgPool2d(max, new Pool2dSpec(3, 1, 1), "counting"), "counting");
        g.Output(g.AvgPool2d(max, new Pool2dSpec(2, 1, 1, countIncludePad: false), "not_counting"), "not_counting");
        NetworkGraph graph = g.Build();
        bool[] forms = backendName == XnnpackBackend.BackendName ? [false, true] : [false];
        foreach (bool whole in forms)
        {
            using var network = new ConvNetwork(graph, ConvBackends.Of(backend), new NetworkOptions { Layout = layout, WholeRuntime = whole });
            var shape = new TensorShape(2, 24, 15, 13);
            var inputs = new[] { new NetworkInput(new float[shape.Length], shape) };
            var outputs = network.OutputShapes([shape]).Select(s => new NetworkOutput(new float[s.Length])).ToArray();
            network.Run(inputs, outputs); // first call for the shape: steps, buffers and native state made here

            Assert.Equal(0, AllocatedInCleanWindow(() =>
            {
                for (int i = 0; i < 20; i++) network.Run(inputs, outputs);
            }));
        }
    }

    /// <summary>
    /// Resizes once warm (LR-ASPP's bilinear upsampling to another input's size, and a 2x nearest): each library's
    /// resize or the managed one, its tables made with the shape, allocates nothing either.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Warm_resizes_allocate_nothing(string backendName, TensorLayout layout)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        var g = new GraphBuilder();
        Value image = g.Input("image", 3), features = g.Input("features", 21);
        g.Output(g.ResizeLike(features, image, ResizeMode.Bilinear, ResizeCoordinates.HalfPixel, name: "upsample"));
        g.Output(g.Resize(features, ResizeSpec.ByScale(2, 2, ResizeMode.Nearest, ResizeCoordinates.Asymmetric), "nearest"));
        using var network = new ConvNetwork(g.Build(), ConvBackends.Of(backend), new NetworkOptions { Layout = layout });
        TensorShape imageShape = new(2, 3, 40, 36), featureShape = new(2, 21, 5, 5);
        NetworkInput[] inputs = [new(new float[imageShape.Length], imageShape), new(new float[featureShape.Length], featureShape)];
        NetworkOutput[] outputs = network.OutputShapes([imageShape, featureShape]).Select(s => new NetworkOutput(new float[s.Length])).ToArray();
        network.Run(inputs, outputs); // first call for the shapes: tables and native state made here

        Assert.Equal(0, AllocatedInCleanWindow(() =>
        {
            for (int i = 0; i < 5; i++) network.Run(inputs, outputs);
        }));
    }

    /// <summary>A network planned over both libraries: once its first call has chosen, a call finds the shape's program and runs it, nothing else.</summary>
    [SkippableFact]
    public void Warm_network_planned_by_auto_allocates_nothing()
    {
        foreach (string name in TestBackends.Native) TestBackends.GetOrSkip(name);
        var (blocks, channels, size) = NetworkCases.Get("v3-small");
        using var network = new ConvNetwork(blocks, TestBackends.All, new NetworkOptions { Layout = TensorLayout.Nhwc, Candidates = TestBackends.Native });
        var input = new float[channels * size * size];
        var output = new float[network.OutputShape(new TensorShape(1, channels, size, size)).Length];
        network.Forward(input, output, 1, size, size); // measures, then runs the chosen plan
        Assert.NotNull(network.PlanFor(1, size, size));

        Assert.Equal(0, AllocatedInCleanWindow(() =>
        {
            for (int i = 0; i < 5; i++) network.Forward(input, output, 1, size, size);
        }));
    }

    /// <summary>The same network handed to XNNPACK whole (its subgraph runtime): a warm call sets up and invokes the runtime, nothing else.</summary>
    [SkippableTheory]
    [InlineData(TensorLayout.Nchw)]
    [InlineData(TensorLayout.Nhwc)]
    public void Warm_whole_network_forward_allocates_nothing(TensorLayout layout)
    {
        TestBackends.GetOrSkip(XnnpackBackend.BackendName);
        var (blocks, channels, size) = NetworkCases.Get("v3-small");
        using var network = new ConvNetwork(blocks, TestBackends.All, new NetworkOptions { Backend = XnnpackBackend.BackendName, Layout = layout, WholeRuntime = true });
        var input = new float[2 * channels * size * size];
        var output = new float[network.OutputShape(new TensorShape(2, channels, size, size)).Length];
        network.Forward(input, output, 2, size, size); // first call for the shape: the runtime made here

        Assert.Equal(0, AllocatedInCleanWindow(() =>
        {
            for (int i = 0; i < 5; i++) network.Forward(input, output, 2, size, size);
        }));
    }

    /// <summary>
    /// A batch with its images shared with a worker thread (a pinned plan, oneDNN with fused sums): nothing on the calling
    /// thread, which hands the worker its images through fields and waits for it, nor on the worker.
    /// </summary>
    [SkippableFact]
    public void Warm_batch_split_forward_allocates_nothing()
    {
        foreach (string name in TestBackends.Native) TestBackends.GetOrSkip(name);
        var (blocks, channels, size) = NetworkCases.Get("v3-small");
        var input = new float[2 * channels * size * size];
        var options = new NetworkOptions { Layout = TensorLayout.Nhwc, Candidates = TestBackends.Native, PlanningBudget = TimeSpan.Zero };
        NetworkPlan measured;
        using (var planned = new ConvNetwork(blocks, TestBackends.All, options))
            measured = planned.Plan(2, size, size);
        NetworkPlan pinned = measured with { Chosen = Candidate.Single(OneDnnBackend.BackendName, measured.Chosen.Backends.Count).WithSplit(BatchSplit.ImagesAcrossThreads) };
        using var network = new ConvNetwork(blocks, TestBackends.All, options with { Plan = pinned });
        var output = new float[network.OutputShape(new TensorShape(2, channels, size, size)).Length];
        network.Forward(input, output, 2, size, size); // first call for the shape: the workers' copies make their state here
        Assert.Null(network.PlanRejection);

        Assert.Equal(0, AllocatedInCleanWindow(() =>
        {
            for (int i = 0; i < 5; i++) network.Forward(input, output, 2, size, size);
        }, () => network.WorkerAllocatedBytes));
    }

    /// <summary>A quantized v2 (convolutions, residual adds, the pool, the classifier) once warm: nothing either.</summary>
    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Warm_quantized_network_forward_allocates_nothing(string backendName, TensorLayout layout)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        IReadOnlyList<NetworkBlock> blocks = MobileNets.Blocks(MobileNetModel.V2, new RandomStateDict(2));
        var calibration = new List<float[]> { Enumerable.Range(0, 3 * 32 * 32).Select(i => (float)Math.Sin(i)).ToArray() };
        if (backendName == "float-loops") // a float-only plugin: the network says so at construction
        {
            Assert.Throws<NotSupportedException>(() => new QuantizedNetwork<byte>(blocks, calibration, 32, 32, backend, layout));
            return;
        }
        using var network = new QuantizedNetwork<byte>(blocks, calibration, 32, 32, backend, layout);
        var input = new byte[2 * 3 * 32 * 32];
        var output = new byte[2 * 1000];
        network.Forward(input, output, 2, 32, 32); // first call for the shape: buffers and native state made here

        Assert.Equal(0, AllocatedInCleanWindow(() =>
        {
            for (int i = 0; i < 3; i++) network.Forward(input, output, 2, 32, 32);
        }));

        // Float in and out (quantized inside): its quantized buffers are kept too.
        var floatInput = new float[input.Length];
        var floatOutput = new float[output.Length];
        network.Forward(floatInput, floatOutput, 2, 32, 32);
        Assert.Equal(0, AllocatedInCleanWindow(() =>
        {
            for (int i = 0; i < 3; i++) network.Forward(floatInput, floatOutput, 2, 32, 32);
        }));
    }
}
