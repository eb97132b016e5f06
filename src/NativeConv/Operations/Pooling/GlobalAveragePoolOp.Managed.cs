namespace NativeConv;

internal sealed partial class GlobalAveragePoolOp
{
    /// <summary><see cref="NhwcOps.GlobalAveragePool"/>: vectors of channels summed down the pixels in registers.</summary>
    public override OpKernel LowerManaged() => new ManagedKernel((op, shapes) => new Step(op, shapes));

    private sealed unsafe class Step(GraphOp op, OpShapes shapes) : OpStep(op, shapes)
    {
        public override string Implementation => "vectorized C# (NhwcOps)";

        public override void Run(float** values) => NhwcOps.GlobalAveragePool(values[Inputs[0]], values[Outputs[0]], Shapes.Input);
    }
}
