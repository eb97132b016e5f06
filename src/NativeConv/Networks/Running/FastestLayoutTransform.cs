using System.Diagnostics;

namespace NativeConv;

/// <summary>
/// The NCHW ↔ NHWC transpose at a network's edge, chosen by measuring once per shape: each library's on the same
/// threads as the edge's convolution, and the managed tiles. Both libraries run on one thread team, so a oneDNN network
/// may take XNNPACK's transpose at no cost. On the v1 body's edges the faster library changed with the machine's
/// moment, and a oneDNN plan ran its edges faster on the transposes chosen here than on oneDNN's own
/// (docs/benchmarks.md, Measured by hand: Edge transposes on the v1 body). So no library is assumed faster: each is
/// timed on scratch buffers of the shape's size.
/// </summary>
internal static unsafe class FastestLayoutTransform
{
    /// <summary>Timed runs per transform, interleaved with the others'; each transform's fastest run counts.</summary>
    public const int Rounds = 5;

    /// <summary>
    /// The fastest transform of (batch, rows, columns) → (batch, columns, rows) float32 among <paramref name="sources"/>'
    /// and the managed one; the others are disposed. Without a source, the managed one, unmeasured.
    /// </summary>
    public static ILayoutTransform Choose(IReadOnlyList<ConvBackend> sources, int batch, int rows, int columns)
    {
        var candidates = new List<ILayoutTransform>();
        try
        {
            foreach (ConvBackend source in sources)
                if (source.CreateLayoutTransform(batch, rows, columns) is { } transform) candidates.Add(transform);
            if (candidates.Count == 0) return new ManagedLayoutTransform(batch, rows, columns);
            candidates.Add(new ManagedLayoutTransform(batch, rows, columns));
            ILayoutTransform fastest = candidates[Fastest(candidates, checked(batch * rows * columns))];
            candidates.Remove(fastest);
            return fastest;
        }
        finally
        {
            foreach (ILayoutTransform loser in candidates) loser.Dispose();
        }
    }

    /// <summary>The index of the transform with the fastest timed run, each run after an untimed one (its code and the buffers warm).</summary>
    private static int Fastest(IReadOnlyList<ILayoutTransform> candidates, int length)
    {
        using var source = new NativeFloatBuffer(length);
        using var destination = new NativeFloatBuffer(length);
        var fastest = new long[candidates.Count];
        Array.Fill(fastest, long.MaxValue);
        for (int round = 0; round < Rounds; round++)
        {
            for (int c = 0; c < candidates.Count; c++)
            {
                candidates[c].Run(source.Pointer, destination.Pointer);
                long start = Stopwatch.GetTimestamp();
                candidates[c].Run(source.Pointer, destination.Pointer);
                fastest[c] = Math.Min(fastest[c], Stopwatch.GetTimestamp() - start);
            }
        }
        return Array.IndexOf(fastest, fastest.Min());
    }
}
