namespace NativeConv;

internal sealed partial class ConcatOp
{
    /// <summary>Input by input, its channel run per pixel copied into its place in the output's pixels (<see cref="ChannelMoveStep"/>).</summary>
    public override OpKernel LowerManaged() => new ManagedKernel((op, shapes) => new ChannelMoveStep(op, shapes, Moves()));

    /// <summary>One move per input, into its channels of the output.</summary>
    private ChannelMove[] Moves()
    {
        var moves = new ChannelMove[Inputs.Length];
        int c = Channels.Sum(), offset = 0;
        for (int k = 0; k < moves.Length; k++)
        {
            moves[k] = new ChannelMove(Inputs[k], 0, Channels[k], Output, offset, c, Channels[k]);
            offset += Channels[k];
        }
        return moves;
    }
}
