namespace NativeConv;

/// <summary>
/// The mean of each window, per channel (PyTorch's <c>AvgPool2d</c>): the sum of the taps inside the input divided by
/// the window's size clipped to the padded input (<see cref="Pool2dSpec.CountIncludePad"/>) or by those taps' number.
/// </summary>
internal sealed partial class AvgPoolOp(string name, int input, int output, Pool2dSpec spec) : Pool2dOp(name, input, output, spec)
{
    public override string Definition =>
        $"average pool {Spec}" + (Spec.IsPadded || Spec.CeilMode ? Spec.CountIncludePad ? " (padding counted)" : " (padding not counted)" : "");

    /// <summary>The divisor of window (<paramref name="oy"/>, <paramref name="ox"/>), PyTorch's: see <see cref="Pool2dSpec.CountIncludePad"/>.</summary>
    internal int Divisor(in PoolGeometry g, int oy, int ox)
    {
        if (Spec.CountIncludePad) return g.Rows.PaddedExtent(oy) * g.Columns.PaddedExtent(ox);
        var (top, bottom) = g.Rows.Taps(oy);
        var (left, right) = g.Columns.Taps(ox);
        return (bottom - top) * (right - left);
    }
}

public sealed partial class GraphBuilder
{
    /// <summary>
    /// The mean of each window of <paramref name="spec"/>, per channel (PyTorch's <c>AvgPool2d</c>, which has no
    /// dilation). The window must fit the padded input: checked when the network first runs on a shape.
    /// </summary>
    public Value AvgPool2d(Value x, Pool2dSpec spec, string? name = null)
    {
        int input = Read(x, nameof(x));
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.IsDilated)
            throw new ArgumentException($"'{name ?? "avg_pool"}' on {x}: an average pool has no dilation (PyTorch's AvgPool2d has none), but {spec} has", nameof(spec));
        return AddOne(name, "avg_pool", x.Channels, (n, output) => new AvgPoolOp(n, input, output, spec));
    }
}
