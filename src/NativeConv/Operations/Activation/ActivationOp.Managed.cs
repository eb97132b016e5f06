namespace NativeConv;

internal sealed partial class ActivationOp
{
    /// <summary>The managed pass from the input's buffer into the output's (the same one when the planner shares them).</summary>
    public override OpKernel LowerManaged() => new ManagedKernel((op, shapes) => new Step(op, shapes, Activation));

    private sealed unsafe class Step(GraphOp op, OpShapes shapes, Activation activation) : OpStep(op, shapes)
    {
        private readonly int _length = shapes.Output.Length;

        public override string Implementation => ManagedActivation.Describe(activation);

        public override void Run(float** values) => ManagedActivation.Apply(activation, values[Inputs[0]], values[Outputs[0]], _length);
    }
}
