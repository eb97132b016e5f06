namespace NativeConv;

/// <summary>
/// A convolution (or transposed convolution) as an operation kernel: a backend's kernel (plain, with the residual sum
/// fused, in bfloat16 or dynamic int8), run through its checked Forward.
/// </summary>
internal sealed class ConvOpKernel<TSpec>(ConvKernel<TSpec> kernel, string library, bool residualSum, string note = "") : OpKernel
    where TSpec : ConvolutionSpec
{
    public ConvKernel<TSpec> Kernel { get; } = kernel;

    public override string Library { get; } = library;

    public override OpStep Instantiate(GraphOp op, OpShapes shapes) => new Step(op, shapes, Kernel, residualSum, note);

    public override void Dispose() => Kernel.Dispose();

    private sealed unsafe class Step(GraphOp op, OpShapes shapes, ConvKernel<TSpec> kernel, bool residualSum, string note) : OpStep(op, shapes)
    {
        private readonly ConvGeometry _geometry = kernel.Spec.Geometry(shapes.Input.Batch, shapes.Input.Height, shapes.Input.Width);

        public override string Implementation => kernel.ImplementationName + note;

        public override void Run(float** values)
        {
            ref readonly ConvGeometry g = ref _geometry;
            float* y = values[Outputs[0]];
            if (residualSum)
            {
                float* residual = values[Inputs[1]];
                if (y != residual) new ReadOnlySpan<float>(residual, g.OutputLength).CopyTo(new Span<float>(y, g.OutputLength));
            }
            kernel.Forward(g, new ReadOnlySpan<float>(values[Inputs[0]], g.InputLength), new Span<float>(y, g.OutputLength));
        }
    }
}
