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

    /// <summary>
    /// Runs on a state of its own where the kernel has one (so concurrent calls on one network share no native state),
    /// through the kernel's locked Forward otherwise (a plugged-in backend's kernels).
    /// </summary>
    private sealed unsafe class Step : OpStep
    {
        private readonly ConvKernel<TSpec> _kernel;
        private readonly KernelState<TSpec>? _state;
        private readonly bool _residualSum;
        private readonly string _note;
        private readonly ConvGeometry _geometry;
        private RepairScratch? _scratch; // this execution context's, made on its first non-finite call

        public Step(GraphOp op, OpShapes shapes, ConvKernel<TSpec> kernel, bool residualSum, string note) : base(op, shapes)
        {
            (_kernel, _residualSum, _note) = (kernel, residualSum, note);
            _geometry = kernel.Spec.Geometry(shapes.Input.Batch, shapes.Input.Height, shapes.Input.Width);
            _state = kernel.CreateState(_geometry);
        }

        public override string Implementation => (_state?.ImplementationName ?? _kernel.ImplementationName) + _note;

        public override void Run(float** values)
        {
            ref readonly ConvGeometry g = ref _geometry;
            float* y = values[Outputs[0]];
            if (_residualSum)
            {
                float* residual = values[Inputs[1]];
                if (y != residual) new ReadOnlySpan<float>(residual, g.OutputLength).CopyTo(new Span<float>(y, g.OutputLength));
            }
            if (_state is not null) _state.Run(values[Inputs[0]], y);
            else _kernel.ForwardUnrepaired(g, new ReadOnlySpan<float>(values[Inputs[0]], g.InputLength), new Span<float>(y, g.OutputLength));
        }

        public override bool RepairsNonFinite => _kernel.Repair is not null;

        /// <summary>The residual is read before the run, which may write over it (in place).</summary>
        public override void RunRepairing(float** values)
        {
            ConvRepair? repair = _kernel.Repair;
            float* residual = _residualSum ? values[Inputs[1]] : null;
            bool repairing = repair is not null && repair.Prepare(_geometry, values[Inputs[0]], residual, ref _scratch);
            Run(values);
            if (repairing) repair!.Apply(values[Outputs[0]], _scratch!, _residualSum);
        }

        public override void Dispose() => _state?.Dispose();
    }
}
