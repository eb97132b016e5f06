namespace NativeConv.Benchmarks;

/// <summary>
/// Concat, split and channel shuffle: each library's kernel against the managed one, at ShuffleNet v2 x1.0's shapes
/// (116, 232 and 464 channels at 28x28, 14x14 and 7x7; the unit's concat of two halves, split into two halves, shuffle
/// in two groups), and ShuffleNet v1's shuffles in 3 and 8 groups; batch 1, 4 and 16, the libraries on 2 threads. The kernels run in interleaved rounds in one process
/// (each round times every kernel once, in a rotating order), so a machine's drift slows every kernel of a round alike;
/// each kernel's time is <see cref="DriftCorrectedTimes"/>' estimate, and each library's ratio to managed the median of
/// the rounds' ratios with an approximate 95% interval (3.7 median absolute deviations of the log ratios over √rounds).
/// Run: <c>dotnet run -c Release -- --channels [rounds]</c> (NATIVECONV_NATIVE_DIR pointing at the native build).
/// </summary>
internal static unsafe class ChannelOperationComparison
{
    private const int Threads = 2;

    private static readonly (int Channels, int Size)[] Stages = [(116, 28), (232, 14), (464, 7)];

    private static readonly int[] Batches = [1, 4, 16];

    public static void Run(int rounds)
    {
        using var onednn = new OneDnnBackend(Threads);
        using var xnnpack = new XnnpackBackend(Threads);
        Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Trim()}; {Environment.ProcessorCount} processors; {rounds} rounds; libraries on {Threads} threads, managed on the caller's");
        Console.WriteLine($"{"operation",-34} {"N",3} {"managed µs",11} {"onednn µs",10} {"ratio [95%]",20} {"xnnpack µs",11} {"ratio [95%]",20}  implementations");
        foreach ((int channels, int size) in Stages)
            foreach (int batch in Batches)
                foreach ((string name, NetworkGraph graph, TensorShape[] inputs) in Cases(channels, size, batch))
                    Compare(name, graph, inputs, onednn, xnnpack, rounds);
        // ShuffleNet v1's shuffles (3 and 8 groups), which the managed kernel gathers without the two-group interleave.
        foreach ((int channels, int groups) in new[] { (240, 3), (384, 8) })
            foreach (int batch in Batches)
            {
                var g = new GraphBuilder();
                g.Output(g.ChannelShuffle(g.Input("x", channels), groups, "shuffle"));
                Compare($"shuffle {channels} in {groups} groups at 28x28", g.Build(), [new TensorShape(batch, channels, 28, 28)], onednn, xnnpack, rounds);
            }
        Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    private static IEnumerable<(string, NetworkGraph, TensorShape[])> Cases(int c, int size, int batch)
    {
        var half = new TensorShape(batch, c / 2, size, size);
        var g = new GraphBuilder();
        g.Output(g.Concat([g.Input("a", c / 2), g.Input("b", c / 2)], "cat"));
        yield return ($"concat {c / 2}+{c / 2} at {size}x{size}", g.Build(), [half, half]);
        g = new GraphBuilder();
        foreach (Value part in g.Split(g.Input("x", c), 2, "split")) g.Output(part);
        yield return ($"split {c} in 2 at {size}x{size}", g.Build(), [half with { Channels = c }]);
        g = new GraphBuilder();
        g.Output(g.ChannelShuffle(g.Input("x", c), 2, "shuffle"));
        yield return ($"shuffle {c} in 2 groups at {size}x{size}", g.Build(), [half with { Channels = c }]);
    }

    /// <summary>The library kernels of each kind, whether or not its lowering keeps them.</summary>
    private static (OpKernel OneDnn, OpKernel Xnnpack) LibraryKernels(GraphOp op, OneDnnBackend onednn, XnnpackBackend xnnpack) => op switch
    {
        ConcatOp concat => (concat.OneDnnConcat(onednn), concat.XnnpackCopies(xnnpack)),
        SplitOp split => (split.OneDnnReorders(onednn), split.XnnpackCopies(xnnpack)),
        ChannelShuffleOp shuffle => (shuffle.OneDnnShuffle(onednn), shuffle.XnnpackShuffle(xnnpack)),
        _ => throw new ArgumentException($"no library kernels to compare for {op}"),
    };

    private static void Compare(string name, NetworkGraph graph, TensorShape[] inputs, OneDnnBackend onednn, XnnpackBackend xnnpack, int rounds)
    {
        GraphOp op = graph.Ops[0];
        TensorShape[] shapes = graph.Shapes(inputs, TensorLayout.Nhwc);
        var opShapes = new OpShapes(op.Inputs.Select(v => shapes[v]).ToArray(), op.Outputs.Select(v => shapes[v]).ToArray());
        (OpKernel oneDnnKernel, OpKernel xnnpackKernel) = LibraryKernels(op, onednn, xnnpack);
        OpKernel[] kernels = [op.LowerManaged(), oneDnnKernel, xnnpackKernel];
        OpStep[] steps = kernels.Select(k => k.Instantiate(op, opShapes)).ToArray();
        NativeFloatBuffer[] buffers = shapes.Select(s => new NativeFloatBuffer(s.Length)).ToArray();
        float** values = stackalloc float*[buffers.Length];
        var random = new Random(1);
        for (int v = 0; v < buffers.Length; v++)
        {
            values[v] = buffers[v].Pointer;
            for (int i = 0; i < buffers[v].Length; i++) values[v][i] = (float)random.NextDouble();
        }
        try
        {
            foreach (OpStep step in steps) WarmUp(step, values);
            int calls = CallsPerSample(steps[0], values);
            var times = steps.Select(_ => new double[rounds]).ToArray();
            for (int r = 0; r < rounds; r++)
                for (int j = 0; j < steps.Length; j++)
                {
                    int k = (r + j) % steps.Length;
                    long start = System.Diagnostics.Stopwatch.GetTimestamp();
                    for (int i = 0; i < calls; i++) steps[k].Run(values);
                    times[k][r] = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMicroseconds / calls;
                }
            double[] estimates = DriftCorrectedTimes.Estimate(times);
            Console.WriteLine($"{name,-34} {inputs[0].Batch,3} {estimates[0],11:F1} {estimates[1],10:F1} {Ratio(times[1], times[0]),20} {estimates[2],11:F1} {Ratio(times[2], times[0]),20}  "
                + string.Join(" | ", steps.Skip(1).Select(s => s.Implementation)));
        }
        finally
        {
            foreach (OpStep step in steps) step.Dispose();
            foreach (OpKernel kernel in kernels) kernel.Dispose();
            foreach (NativeFloatBuffer buffer in buffers) buffer.Dispose();
        }
    }

    /// <summary>Calls for 300 ms: the native state is touched and the managed loops reach their optimized tier before anything is timed.</summary>
    private static void WarmUp(OpStep step, float** values)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        while (System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds < 300) step.Run(values);
    }

    /// <summary>Calls per timed sample: about 300 µs of the managed kernel's, so a sample outlasts the timer's resolution and a scheduler tick's noise.</summary>
    private static int CallsPerSample(OpStep managed, float** values)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        for (int i = 0; i < 20; i++) managed.Run(values);
        double perCall = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMicroseconds / 20;
        return (int)Math.Clamp(Math.Ceiling(300 / perCall), 1, 10_000);
    }

    /// <summary>The median of the rounds' ratios a / b, and its approximate 95% interval.</summary>
    private static string Ratio(double[] a, double[] b)
    {
        double[] logs = a.Select((t, r) => Math.Log(t / b[r])).ToArray();
        double median = DriftCorrectedTimes.Median(logs);
        double spread = 3.7 * DriftCorrectedTimes.Median(logs.Select(l => Math.Abs(l - median))) / Math.Sqrt(logs.Length);
        return $"{Math.Exp(median):F2} [{Math.Exp(median - spread):F2}, {Math.Exp(median + spread):F2}]";
    }
}
