using System.Runtime.InteropServices;

namespace NativeConv;

/// <summary>
/// An operation's kernel on a library's shared native object (oneDNN's engine, XNNPACK's pool), which it holds a
/// reference on for its whole life; each shape's step made by <paramref name="instantiate"/> (primitives or operators
/// made and reshaped there, once).
/// </summary>
internal sealed class LeasedKernel(string library, SafeHandle? shared, Func<GraphOp, OpShapes, OpStep> instantiate) : OpKernel
{
    private readonly HandleLease? _lease = shared is null ? null : new HandleLease(shared);

    public override string Library => library;

    public override OpStep Instantiate(GraphOp op, OpShapes shapes) => instantiate(op, shapes);

    public override void Dispose() => _lease?.Dispose();
}
