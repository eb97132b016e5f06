namespace NativeConv.Tests;

/// <summary>A pool and the input it runs on, drawn from a seed: the conformance cases of <see cref="PoolTests"/>.</summary>
public sealed record PoolCase(Pool2dSpec Spec, TensorShape Shape)
{
    /// <summary>Channel counts that reach every path of a kernel over channel vectors (none, one, four at a time, a tail).</summary>
    private static readonly int[] ChannelCounts = [1, 2, 3, 7, 8, 9, 16, 24, 31, 32, 33, 40, 64];

    /// <summary>
    /// Kernel 1..5, stride 1..3 or the kernel, padding 0..k/2 per side (symmetric or not), dilation 1..3 for a max,
    /// ceil mode, count_include_pad, channels 1..64, sizes 1..33, batch 1..3; drawn again until the output is not empty.
    /// </summary>
    public static PoolCase Random(int seed, bool maximum)
    {
        var r = new Random(seed * 7919 + (maximum ? 1 : 2));
        while (true)
        {
            var kernel = r.Next(10) == 0 ? new Size2D(1, 1) : new Size2D(r.Next(1, 6), r.Next(1, 6)); // 1x1: a strided copy
            Size2D? stride = r.Next(4) == 0 ? null : new Size2D(r.Next(1, 4), r.Next(1, 4));
            Padding2D padding = r.Next(2) == 0
                ? Padding2D.Symmetric(r.Next(kernel.Height / 2 + 1), r.Next(kernel.Width / 2 + 1))
                : Padding2D.Explicit(r.Next(kernel.Height / 2 + 1), r.Next(kernel.Width / 2 + 1), r.Next(kernel.Height / 2 + 1), r.Next(kernel.Width / 2 + 1));
            Size2D? dilation = maximum && r.Next(2) == 0 ? new Size2D(r.Next(1, 4), r.Next(1, 4)) : null;
            var spec = new Pool2dSpec(kernel, stride, padding, dilation, ceilMode: r.Next(2) == 0, countIncludePad: r.Next(2) == 0);
            int channels = r.Next(3) == 0 ? r.Next(1, 65) : ChannelCounts[r.Next(ChannelCounts.Length)];
            var shape = new TensorShape(r.Next(1, 4), channels, r.Next(1, 34), r.Next(1, 34));
            if (Fits(spec, shape)) return new PoolCase(spec, shape);
        }
    }

    /// <summary>PyTorch's rule: some window, a partial one in ceil mode counting, starts inside the padded input.</summary>
    public static bool Fits(Pool2dSpec spec, TensorShape shape)
    {
        int slack = spec.CeilMode ? 1 : 0;
        return (spec.Kernel.Height - 1) * spec.Dilation.Height + 1 <= shape.Height + spec.Padding.Top + spec.Padding.Bottom + slack * (spec.Stride.Height - 1)
            && (spec.Kernel.Width - 1) * spec.Dilation.Width + 1 <= shape.Width + spec.Padding.Left + spec.Padding.Right + slack * (spec.Stride.Width - 1);
    }

    public override string ToString() => $"{Spec} on {Shape}";
}
