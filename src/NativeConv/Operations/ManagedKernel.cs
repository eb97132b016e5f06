namespace NativeConv;

/// <summary>An operation's managed kernel: nothing to prepare once; each shape's step made by <paramref name="instantiate"/>.</summary>
internal sealed class ManagedKernel(Func<GraphOp, OpShapes, OpStep> instantiate) : OpKernel
{
    public const string Name = "managed";

    public override string Library => Name;

    public override OpStep Instantiate(GraphOp op, OpShapes shapes) => instantiate(op, shapes);
}
