namespace NativeConv;

/// <summary>
/// A channel operation's kernel on a native library: nothing to prepare shape-free (no weights); each shape's step, with
/// its own primitives or operators, made by <paramref name="instantiate"/>.
/// </summary>
internal sealed class LibraryKernel(string library, Func<GraphOp, OpShapes, OpStep> instantiate) : OpKernel
{
    public override string Library { get; } = library;

    public override OpStep Instantiate(GraphOp op, OpShapes shapes) => instantiate(op, shapes);
}
