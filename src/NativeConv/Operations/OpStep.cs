namespace NativeConv;

/// <summary>
/// An operation bound to one input shape: what a call runs. It reads and writes values through the call's table of
/// value pointers (NHWC, pinned or native for the call), at the operation's value indices.
/// </summary>
internal abstract unsafe class OpStep : IDisposable
{
    protected OpStep(GraphOp op, OpShapes shapes)
    {
        Inputs = op.Inputs;
        Outputs = op.Outputs;
        Shapes = shapes;
    }

    protected int[] Inputs { get; }

    protected int[] Outputs { get; }

    protected OpShapes Shapes { get; }

    /// <summary>What runs it for this shape, e.g. oneDNN's <c>brgconv_1x1:avx512_core</c> or "managed (TensorPrimitives)".</summary>
    public abstract string Implementation { get; }

    /// <summary>Runs on the call's values (every index the operation reads or writes points at its data).</summary>
    public abstract void Run(float** values);

    /// <summary>Whether its library may give other values than PyTorch's for NaN and ±infinity (then <see cref="RunRepairing"/> differs).</summary>
    public virtual bool RepairsNonFinite => false;

    /// <summary>
    /// <see cref="Run"/> in a call whose network inputs hold NaN or ±infinity: exact for them (a convolution's repair,
    /// <see cref="ConvRepair"/>). By default the step's own run, which is exact.
    /// </summary>
    public virtual void RunRepairing(float** values) => Run(values);

    public virtual void Dispose()
    {
    }
}
