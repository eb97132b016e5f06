using System.Numerics.Tensors;

namespace NativeConv;

internal sealed partial class MultiplyOp
{
    /// <summary>Per channel: <see cref="NhwcOps.ChannelScale"/>, row by row in vector loops; elementwise: one TensorPrimitives pass.</summary>
    public override OpKernel LowerManaged() => new ManagedKernel((op, shapes) => new Step(op, shapes));

    private sealed unsafe class Step(GraphOp op, OpShapes shapes) : OpStep(op, shapes)
    {
        private readonly bool _perChannel = PerChannel(shapes);

        public override string Implementation => "vectorized C# (NhwcOps)";

        public override void Run(float** values)
        {
            if (_perChannel) NhwcOps.ChannelScale(values[Inputs[0]], values[Inputs[1]], values[Outputs[0]], Shapes.Input);
            else
            {
                int n = Shapes.Output.Length;
                TensorPrimitives.Multiply(new ReadOnlySpan<float>(values[Inputs[0]], n), new ReadOnlySpan<float>(values[Inputs[1]], n), new Span<float>(values[Outputs[0]], n));
            }
        }
    }
}
