namespace NativeConv.Benchmarks;

/// <summary>
/// The channel shuffle on XNNPACK's channel_shuffle_nc_x32 against the managed kernel: at ShuffleNet v2 x1.0's shapes
/// (116, 232 and 464 channels at 28x28, 14x14 and 7x7, two groups: the managed interleave is kept) and ShuffleNet v1's
/// (240 channels in 3 groups, 384 in 8, at 28x28: XNNPACK's operator is kept); batch 1, 4 and 16, XNNPACK on 2 threads.
/// (Concat and split keep their managed kernels everywhere and the shuffle on oneDNN too: their library kernels lost the
/// same comparison and are gone.) The kernels run in interleaved rounds in one process (each round times every kernel
/// once, in a rotating order), so a machine's drift slows every kernel of a round alike; each kernel's time is
/// <see cref="DriftCorrectedTimes"/>' estimate, and XNNPACK's ratio to managed the median of the rounds' ratios with an
/// approximate 95% interval (3.7 median absolute deviations of the log ratios over √rounds).
/// Run: <c>dotnet run -c Release -- --channels [rounds]</c> (NATIVECONV_NATIVE_DIR pointing at the native build).
/// </summary>
internal static unsafe class ChannelOperationComparison
{
    private const int Threads = 2;

    private static readonly int[] Batches = [1, 4, 16];

    private static readonly (int Channels, int Groups, int Size)[] Shuffles = [(116, 2, 28), (232, 2, 14), (464, 2, 7), (240, 3, 28), (384, 8, 28)];

    public static void Run(int rounds)
    {
        using var xnnpack = new XnnpackBackend(Threads);
        Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Trim()}; {Environment.ProcessorCount} processors; {rounds} rounds; XNNPACK on {Threads} threads, managed on the caller's");
        Console.WriteLine($"{"operation",-34} {"N",3} {"managed µs",11} {"xnnpack µs",11} {"ratio [95%]",20}  kept");
        foreach ((int channels, int groups, int size) in Shuffles)
            foreach (int batch in Batches)
            {
                var g = new GraphBuilder();
                g.Output(g.ChannelShuffle(g.Input("x", channels), groups, "shuffle"));
                Compare($"shuffle {channels} in {groups} groups at {size}x{size}", g.Build(), new TensorShape(batch, channels, size, size), xnnpack, rounds);
            }
        Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    private static void Compare(string name, NetworkGraph graph, TensorShape input, XnnpackBackend xnnpack, int rounds)
    {
        var op = (ChannelShuffleOp)graph.Ops[0];
        var opShapes = new OpShapes([input], [input]);
        OpKernel[] kernels = [op.LowerManaged(), op.XnnpackShuffle(xnnpack)];
        OpStep[] steps = kernels.Select(k => k.Instantiate(op, opShapes)).ToArray();
        NativeFloatBuffer[] buffers = [new(input.Length), new(input.Length)];
        float** values = stackalloc float*[2];
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
            string kept = xnnpack.LowerOperation(op) is null ? "managed" : "xnnpack";
            Console.WriteLine($"{name,-34} {input.Batch,3} {estimates[0],11:F1} {estimates[1],11:F1} {Ratio(times[1], times[0]),20}  {kept}");
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
