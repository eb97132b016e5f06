using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv;

/// <remarks>
/// No <see cref="IXnnpackOperation"/> or <see cref="IOneDnnOperation"/>: operation by operation, the managed copy beat
/// XNNPACK's strided copy operators and oneDNN's concat primitive at ShuffleNet v2's shapes (measured, interleaved).
/// </remarks>
internal sealed partial class ConcatOp : IXnnpackNode
{
    /// <summary>
    /// A Concatenate node along NHWC's channel axis for 2 to 5 inputs; more are joined five at a time into intermediate
    /// values (each concatenate's output the next one's first input); one input is a Copy node.
    /// </summary>
    public void Define(XnnpackSubgraph subgraph, IDisposable? statics, ReadOnlySpan<uint> inputs, ReadOnlySpan<uint> outputs, OpShapes shapes)
    {
        const int Axis = 3;
        if (inputs.Length == 1)
        {
            subgraph.Check(xnn_define_copy(subgraph.Handle, inputs[0], outputs[0], 0), nameof(xnn_define_copy));
            return;
        }
        uint joined = inputs[0];
        int channels = shapes.Inputs[0].Channels, next = 1;
        while (next < inputs.Length)
        {
            int take = Math.Min(4, inputs.Length - next); // with the value joined so far: at most five
            for (int k = next; k < next + take; k++) channels += shapes.Inputs[k].Channels;
            uint output = next + take == inputs.Length ? outputs[0] : subgraph.Tensor(shapes.Output with { Channels = channels });
            ReadOnlySpan<uint> rest = inputs.Slice(next, take);
            subgraph.Check(take switch
            {
                1 => xnn_define_concatenate2(subgraph.Handle, Axis, joined, rest[0], output, 0),
                2 => xnn_define_concatenate3(subgraph.Handle, Axis, joined, rest[0], rest[1], output, 0),
                3 => xnn_define_concatenate4(subgraph.Handle, Axis, joined, rest[0], rest[1], rest[2], output, 0),
                _ => xnn_define_concatenate5(subgraph.Handle, Axis, joined, rest[0], rest[1], rest[2], rest[3], output, 0),
            }, $"xnn_define_concatenate{take + 1}");
            joined = output;
            next += take;
        }
    }
}
