namespace NativeConv;

/// <summary>
/// Which rows each value needs when a network's first operations run in horizontal bands, one band per thread, for one
/// image. A band of the cut value (the prefix's last output) needs a few more rows of every value before it: each
/// convolution's kernel reaches past the band's edge, so the rows there are computed by both threads (the halo). What
/// that buys: no thread waits for another between the prefix's layers, and each band's tensors are small enough to stay
/// in the thread's own caches where the whole image's spill.
/// </summary>
internal static class RowBands
{
    /// <summary>
    /// Whether the first <paramref name="ops"/> operations can run in bands: every one works row by row (convolutions and
    /// residual adds, not a pool or a per-channel scale, whose result depends on every row), and nothing after them reads
    /// a value they made other than the last one (nor the network's input).
    /// </summary>
    public static bool IsCut(NetworkGraph graph, int ops)
    {
        if (ops < 1 || ops > graph.Ops.Count) return false;
        for (int i = 0; i < ops; i++)
            if (graph.Ops[i] is not (ConvOp or ConvSumOp or AddOp)) return false;
        int cut = graph.Ops[ops - 1].Output;
        for (int i = ops; i < graph.Ops.Count; i++)
            foreach (int v in graph.Ops[i].Inputs)
                if (v != cut && (v == NetworkGraph.Input || ProducerIndex(graph, v) < ops)) return false;
        return true;
    }

    /// <summary>
    /// The most work the bands may recompute, as a fraction of the prefix's convolution work on the whole image. Measured
    /// on v2 here (2 threads, batch 1), the bands ran the prefix at best 10-15% faster than all the threads on each layer;
    /// a prefix that recomputes more than that cannot win (the deepest cuts recompute most of the image in both bands:
    /// 1.5-1.7x slower), so it is not worth a candidate's making and rounds.
    /// </summary>
    public const double MaxRecomputed = 0.10;

    /// <summary>
    /// The prefixes worth trying for <paramref name="shapes"/> (one image) on <paramref name="threads"/> threads: at each
    /// height the cut value can have, the longest valid prefix whose cut has at least 2 rows per thread and whose bands
    /// recompute at most <paramref name="maxRecomputed"/>, shallowest first. A longer prefix waits less but recomputes more
    /// rows at the bands' edges; only measuring says which wins.
    /// </summary>
    public static IReadOnlyList<int> Cuts(NetworkGraph graph, IReadOnlyList<TensorShape> shapes, IReadOnlyList<ConvGeometry> geometries, int threads,
        double maxRecomputed = MaxRecomputed)
    {
        var byHeight = new Dictionary<int, int>();
        for (int ops = 1; ops <= graph.Ops.Count; ops++)
        {
            TensorShape cut = shapes[graph.Ops[ops - 1].Output];
            if (cut.Batch == 1 && cut.Height >= 2 * threads && IsCut(graph, ops) && Recomputed(graph, shapes, geometries, ops, threads) <= maxRecomputed)
                byHeight[cut.Height] = ops;
        }
        return byHeight.Values.Order().ToArray();
    }

    /// <summary>
    /// The convolution work <paramref name="threads"/> even bands of the first <paramref name="ops"/> operations do beyond the
    /// whole image's, as a fraction of it (each output row of a convolution costs the same).
    /// </summary>
    public static double Recomputed(NetworkGraph graph, IReadOnlyList<TensorShape> shapes, IReadOnlyList<ConvGeometry> geometries, int ops, int threads)
    {
        int rows = shapes[graph.Ops[ops - 1].Output].Height;
        var bands = new (int First, int End)[threads][];
        for (int t = 0; t < threads; t++) bands[t] = Rows(graph, shapes, geometries, ops, (int)((long)rows * t / threads), (int)((long)rows * (t + 1) / threads));
        double whole = 0, banded = 0;
        for (int i = 0; i < ops; i++)
        {
            Conv2dSpec? spec = graph.Ops[i] switch { ConvOp c => c.Spec, ConvSumOp f => f.Spec, _ => null };
            if (spec is null) continue;
            TensorShape y = shapes[graph.Ops[i].Output];
            double perRow = (double)y.Width * spec.OutChannels * spec.WeightsPerOutputChannel;
            whole += perRow * y.Height;
            foreach ((int First, int End)[] band in bands) banded += perRow * (band[graph.Ops[i].Output].End - band[graph.Ops[i].Output].First);
        }
        return whole == 0 ? 0 : banded / whole - 1;
    }

    /// <summary>
    /// Per value, the rows [First, End) a band that makes rows [<paramref name="first"/>, <paramref name="end"/>) of the
    /// cut value computes: every row a later operation of the band reads (empty, 0 to 0, for values after the cut).
    /// The input's rows are those the first operations read.
    /// </summary>
    public static (int First, int End)[] Rows(NetworkGraph graph, IReadOnlyList<TensorShape> shapes, IReadOnlyList<ConvGeometry> geometries,
        int ops, int first, int end)
    {
        if (!IsCut(graph, ops)) throw new ArgumentException($"the first {ops} operations cannot run in bands", nameof(ops));
        int cut = graph.Ops[ops - 1].Output;
        if (first < 0 || end > shapes[cut].Height || first >= end)
            throw new ArgumentOutOfRangeException(nameof(first), first, $"rows [{first}, {end}) of a cut value of {shapes[cut].Height} rows");
        var rows = new (int First, int End)[graph.ValueCount];
        rows[cut] = (first, end);
        for (int i = ops - 1; i >= 0; i--)
        {
            GraphOp op = graph.Ops[i];
            (int First, int End) needed = rows[op.Output];
            if (needed.First == needed.End) continue; // nothing in the band reads it
            switch (op)
            {
                case ConvOp conv:
                    Widen(rows, conv.Input, InputRows(geometries[i], conv.Spec, needed));
                    break;
                case ConvSumOp fused:
                    Widen(rows, fused.Input, InputRows(geometries[i], fused.Spec, needed));
                    Widen(rows, fused.Residual, needed);
                    break;
                case AddOp add:
                    Widen(rows, add.Left, needed);
                    Widen(rows, add.Right, needed);
                    break;
            }
        }
        return rows;
    }

    /// <summary>
    /// The input rows [First, End) a convolution reads to make output rows [<paramref name="first"/>, <paramref name="end"/>)
    /// of <paramref name="full"/> (its geometry on the whole image), and the zero rows above and below them: the padding of
    /// the band's own convolution, the image's where the band touches its edge and none inside.
    /// </summary>
    public static (int First, int End, int PadTop, int PadBottom) Input(in ConvGeometry full, Conv2dSpec spec, int first, int end)
    {
        int reachStart = first * spec.Stride.Height - full.PadTop; // may be above row 0: padding
        int reachEnd = (end - 1) * spec.Stride.Height - full.PadTop + spec.EffectiveKernel.Height;
        int inFirst = Math.Max(reachStart, 0), inEnd = Math.Min(reachEnd, full.InHeight);
        return (inFirst, inEnd, inFirst - reachStart, reachEnd - inEnd);
    }

    /// <summary>The convolution a band runs: <paramref name="spec"/> with the band's rows of padding above and below, the image's at the sides.</summary>
    public static Conv2dSpec BandSpec(Conv2dSpec spec, in ConvGeometry full, int padTop, int padBottom) =>
        new(spec.InChannels, spec.OutChannels, spec.Kernel, spec.Stride, Padding2D.Explicit(padTop, full.PadLeft, padBottom, full.PadRight),
            spec.Dilation, spec.Groups, spec.HasBias, spec.Activation);

    private static void Widen((int First, int End)[] rows, int value, (int First, int End) more) =>
        rows[value] = rows[value].First == rows[value].End ? more : (Math.Min(rows[value].First, more.First), Math.Max(rows[value].End, more.End));

    private static (int First, int End) InputRows(in ConvGeometry full, Conv2dSpec spec, (int First, int End) output)
    {
        var (first, end, _, _) = Input(full, spec, output.First, output.End);
        return (first, end);
    }

    private static int ProducerIndex(NetworkGraph graph, int value)
    {
        for (int i = 0; i < graph.Ops.Count; i++)
            if (graph.Ops[i].Output == value) return i;
        return -1;
    }
}
