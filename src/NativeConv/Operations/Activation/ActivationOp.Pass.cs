namespace NativeConv;

internal sealed partial class ActivationOp
{
    /// <summary>
    /// A library's kernel for the activation: each shape's pass made by <paramref name="pass"/>, given the length: the
    /// library's primitives or operators, or the managed pass where that measured faster for the length.
    /// </summary>
    private static LeasedKernel PassKernel(ConvBackend backend, System.Runtime.InteropServices.SafeHandle? shared, Func<int, IActivationPass> pass) =>
        new(backend.Name, shared, (op, shapes) => new PassStep(op, shapes, pass(shapes.Output.Length)));

    private sealed unsafe class PassStep(GraphOp op, OpShapes shapes, IActivationPass pass) : OpStep(op, shapes)
    {
        public override string Implementation => pass.Implementation;

        public override void Run(float** values) => pass.Run(values[Inputs[0]], values[Outputs[0]]);

        public override void Dispose() => pass.Dispose();
    }
}
