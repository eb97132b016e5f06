using System.Numerics.Tensors;

namespace NativeConv;

internal sealed partial class AddOp
{
    /// <summary>One TensorPrimitives pass over data in cache (a library call costs more than it saves here), the activation in place after it.</summary>
    public override OpKernel LowerManaged() => new ManagedKernel((op, shapes) => new Step(op, shapes, Managed(shapes)));

    /// <summary>The managed activation pass over the sum (none without an activation).</summary>
    private IActivationPass? Managed(OpShapes shapes) => Activation.Kind == ActivationKind.None ? null : new ManagedActivationPass(Activation, shapes.Output.Length);

    /// <summary>The sum, then <paramref name="activation"/> over it in place (a library's or the managed pass; none: none).</summary>
    private sealed unsafe class Step(GraphOp op, OpShapes shapes, IActivationPass? activation) : OpStep(op, shapes)
    {
        private readonly int _length = shapes.Output.Length;

        public override string Implementation => activation is null ? "TensorPrimitives" : $"TensorPrimitives, then {activation.Implementation}";

        public override void Run(float** values)
        {
            float* y = values[Outputs[0]];
            TensorPrimitives.Add(new ReadOnlySpan<float>(values[Inputs[0]], _length), new ReadOnlySpan<float>(values[Inputs[1]], _length), new Span<float>(y, _length));
            activation?.Run(y, y);
        }

        public override void Dispose() => activation?.Dispose();
    }
}
