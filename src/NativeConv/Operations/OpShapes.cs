namespace NativeConv;

/// <summary>An operation's input and output shapes for one input shape of its network (logical N, C, H, W; NHWC in memory).</summary>
internal sealed record OpShapes(TensorShape[] Inputs, TensorShape[] Outputs)
{
    public TensorShape Input => Inputs[0];

    public TensorShape Output => Outputs[0];
}
