namespace NativeConv;

internal sealed partial class SplitOp
{
    /// <summary>Part by part, its channel run of every input pixel copied out (<see cref="ChannelMoveStep"/>).</summary>
    public override OpKernel LowerManaged() => new ManagedKernel((op, shapes) => new ChannelMoveStep(op, shapes, Moves()));

    /// <summary>One move per part, out of its channels of the input.</summary>
    private ChannelMove[] Moves()
    {
        var moves = new ChannelMove[Outputs.Length];
        int c = Channels.Sum(), offset = 0;
        for (int k = 0; k < moves.Length; k++)
        {
            moves[k] = new ChannelMove(Inputs[0], offset, c, Outputs[k], 0, Channels[k], Channels[k]);
            offset += Channels[k];
        }
        return moves;
    }
}
