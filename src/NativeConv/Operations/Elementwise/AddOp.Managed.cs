using System.Numerics.Tensors;

namespace NativeConv;

internal sealed partial class AddOp
{
    /// <summary>One TensorPrimitives pass over data in cache (a library call costs more than it saves here), the activation in place after it.</summary>
    public override OpKernel LowerManaged() => new ManagedKernel((op, shapes) => new Step(op, shapes, Activation));

    private sealed unsafe class Step(GraphOp op, OpShapes shapes, Activation activation) : OpStep(op, shapes)
    {
        private readonly int _length = shapes.Output.Length;

        public override string Implementation => "TensorPrimitives";

        public override void Run(float** values)
        {
            float* y = values[Outputs[0]];
            TensorPrimitives.Add(new ReadOnlySpan<float>(values[Inputs[0]], _length), new ReadOnlySpan<float>(values[Inputs[1]], _length), new Span<float>(y, _length));
            ManagedActivation.Apply(activation, y, _length);
        }
    }
}
