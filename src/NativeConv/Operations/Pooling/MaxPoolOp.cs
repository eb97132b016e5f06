namespace NativeConv;

/// <summary>
/// The largest value in each window, per channel (PyTorch's <c>MaxPool2d</c>): padding never wins, a NaN in the window
/// gives NaN (PyTorch's rule), and a dilated window whose taps all fall in the padding gives −∞ (as PyTorch does).
/// Every backend runs the managed pass: oneDNN's and XNNPACK's max pools, though faster, drop a NaN, and oneDNN gives
/// −FLT_MAX over padding only (XNNPACK's subgraph node, for the whole runtime, is the one exception).
/// </summary>
internal sealed partial class MaxPoolOp(string name, int input, int output, Pool2dSpec spec) : Pool2dOp(name, input, output, spec)
{
    public override string Definition => $"max pool {Spec}";
}

public sealed partial class GraphBuilder
{
    /// <summary>
    /// The largest value in each window of <paramref name="spec"/>, per channel (PyTorch's <c>MaxPool2d</c>; NaN
    /// propagates). The window must fit the padded input: checked when the network first runs on a shape.
    /// </summary>
    public Value MaxPool2d(Value x, Pool2dSpec spec, string? name = null)
    {
        int input = Read(x, nameof(x));
        ArgumentNullException.ThrowIfNull(spec);
        return AddOne(name, "max_pool", x.Channels, (n, output) => new MaxPoolOp(n, input, output, spec));
    }
}
