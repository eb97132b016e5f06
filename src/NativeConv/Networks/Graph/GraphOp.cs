namespace NativeConv;

/// <summary>One operation of a network, reading values by index and making one new value.</summary>
/// <param name="Name">Where it comes from, e.g. <c>features.3.conv.1</c> (named in errors and plans).</param>
internal abstract record GraphOp(string Name, int Output)
{
    /// <summary>The values it reads.</summary>
    public abstract IReadOnlyList<int> Inputs { get; }

    /// <summary>The input whose buffer it may overwrite with its output (elementwise ops), or -1.</summary>
    public virtual int InPlaceInput => -1;
}

/// <summary>A convolution with its fused activation; weights in PyTorch order, BatchNorm already folded.</summary>
internal sealed record ConvOp(string Name, int Input, int Output, Conv2dSpec Spec, float[] Weights, float[] Bias) : GraphOp(Name, Output)
{
    public override IReadOnlyList<int> Inputs => [Input];
}

/// <summary>
/// A convolution and the residual add after it in one operation: Output = conv(Input) + Residual, the
/// backend adding what the output buffer holds (so the residual is written there first, or already is).
/// </summary>
internal sealed record ConvSumOp(string Name, int Input, int Residual, int Output, ConvOp Convolution) : GraphOp(Name, Output)
{
    public Conv2dSpec Spec => Convolution.Spec;

    public override IReadOnlyList<int> Inputs => [Input, Residual];

    public override int InPlaceInput => Residual;
}

/// <summary>The residual connection: Left + Right, elementwise.</summary>
internal sealed record AddOp(string Name, int Left, int Right, int Output) : GraphOp(Name, Output)
{
    public override IReadOnlyList<int> Inputs => [Left, Right];

    public override int InPlaceInput => Left;
}

/// <summary>The mean over height and width: (N, C, H, W) → (N, C, 1, 1).</summary>
internal sealed record GlobalAveragePoolOp(string Name, int Input, int Output) : GraphOp(Name, Output)
{
    public override IReadOnlyList<int> Inputs => [Input];
}

/// <summary>Squeeze-and-excitation's rescaling: Input (N, C, H, W) times Scale (N, C, 1, 1) per channel.</summary>
internal sealed record ChannelScaleOp(string Name, int Input, int Scale, int Output) : GraphOp(Name, Output)
{
    public override IReadOnlyList<int> Inputs => [Input, Scale];

    public override int InPlaceInput => Input;
}
