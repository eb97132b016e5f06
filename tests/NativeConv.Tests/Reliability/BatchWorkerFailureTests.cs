using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// A batch whose images are shared with a worker thread: what fails on the worker reaches the caller as the
/// exception it threw (an exception escaping a thread of its own would end the process), the caller's own failure
/// comes first when both fail, the call returns only once the worker is done with the caller's buffers, and the
/// worker keeps serving the calls after a failure. Disposing the run ends the worker.
/// </summary>
public class BatchWorkerFailureTests
{
    /// <summary>
    /// A backend whose convolutions throw on the test's thread (<see cref="FailOnCaller"/>) or on any other
    /// (<see cref="FailElsewhere"/>), and write zeros otherwise; it remembers the last other thread that ran one.
    /// </summary>
    private sealed class FailingBackend(string name) : ConvBackend
    {
        private readonly Thread _caller = Thread.CurrentThread;

        public volatile bool FailOnCaller, FailElsewhere;

        public volatile Thread? OtherThread;

        public override string Name => name;

        protected override BackendCapabilities DescribeCore(Conv2dSpec spec, TensorLayout layout) => new(Name, []);

        protected override ConvKernel CreateCore(Conv2dSpec spec, TensorLayout layout, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias) =>
            new FailingKernel(this, spec, layout);

        private sealed class FailingKernel(FailingBackend backend, Conv2dSpec spec, TensorLayout layout) : ConvKernel(spec, layout)
        {
            public override string ImplementationName => "failing";

            protected override void ForwardCore(in ConvGeometry geometry, ReadOnlySpan<float> input, Span<float> output)
            {
                bool onCaller = Thread.CurrentThread == backend._caller;
                if (!onCaller) backend.OtherThread = Thread.CurrentThread;
                if (onCaller ? backend.FailOnCaller : backend.FailElsewhere) throw new InvalidOperationException($"{backend.Name} failed on purpose");
                output.Clear();
            }
        }
    }

    [Fact]
    public unsafe void A_failure_on_either_thread_reaches_the_caller_and_the_worker_keeps_serving()
    {
        var (blocks, channels, size) = NetworkCases.Get("separable s2");
        using var shapeBackend = new FailingBackend("shape-only");
        using var shapeSource = new ConvNetwork(blocks, ConvBackends.Of(shapeBackend));
        NetworkGraph graph = shapeSource.Graph;
        using var callers = new FailingBackend("caller's");
        using var workers = new FailingBackend("worker's");
        var image = new TensorShape(1, channels, size, size);
        var candidate = Candidate.Single("any", graph.Ops.Count);
        var noBfloat16 = new bool[graph.ValueCount];
        var calling = new SingleThreadedCopy(graph, candidate, _ => callers, ConvPrecision.Float32, noBfloat16, [image], TensorLayout.Nhwc);
        var worker = new BatchWorker(new SingleThreadedCopy(graph, candidate, _ => workers, ConvPrecision.Float32, noBfloat16, [image], TensorLayout.Nhwc));
        var plan = new NetworkPlan
        {
            Network = "test", Inputs = [image with { Batch = 3 }], Layout = TensorLayout.Nhwc, Chosen = candidate.WithSplit(BatchSplit.ImagesAcrossThreads),
            Machine = "test", Versions = "test",
        };
        using var run = new ExecutionContext(calling, [worker], images: 3);
        var x = new float[plan.Inputs[0].Length];
        var y = new float[(run.Caller.Output(0) with { Batch = 3 }).Length];

        void Call()
        {
            fixed (float* input = x)
            fixed (float* output = y)
            {
                float* xs = input, ys = output;
                run.Run(&xs, &ys);
            }
        }

        Array.Fill(y, float.NaN);
        Call(); // neither fails: both threads' buffers made, every output written
        Assert.All(y, v => Assert.Equal(0f, v));

        Thread workerThread = workers.OtherThread ?? throw new InvalidOperationException("the worker's images ran on the calling thread");
        workers.FailElsewhere = true; // the worker fails, the calling thread does not
        var onWorker = Assert.Throws<InvalidOperationException>(Call);
        Assert.Equal("worker's failed on purpose", onWorker.Message);

        callers.FailOnCaller = true; // both fail: the caller's own comes first
        var onBoth = Assert.Throws<InvalidOperationException>(Call);
        Assert.Equal("caller's failed on purpose", onBoth.Message);

        callers.FailOnCaller = false;
        workers.FailElsewhere = false;
        Array.Fill(y, float.NaN);
        Call(); // the worker still serves
        Assert.All(y, v => Assert.Equal(0f, v));

        run.Dispose(); // and once more at the end of the scope: disposing twice is harmless
        Assert.False(workerThread.IsAlive, "disposing the run ends its worker");
    }
}
