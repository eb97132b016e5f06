namespace NativeConv;

/// <summary>
/// An operation's kernel on a native library when it has no weights, so nothing to prepare shape-free: each shape's step,
/// with its own operators, made by <paramref name="instantiate"/> (XNNPACK's channel shuffle).
/// </summary>
internal sealed class LibraryKernel(string library, Func<GraphOp, OpShapes, OpStep> instantiate) : OpKernel
{
    public override string Library { get; } = library;

    public override OpStep Instantiate(GraphOp op, OpShapes shapes) => instantiate(op, shapes);
}
