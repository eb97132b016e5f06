namespace NativeConv;

/// <summary>
/// An operation made runnable on one library, shape-free (weights packed, attributes set, made once per program):
/// per input shape it makes a <see cref="OpStep"/> bound to that shape's buffers.
/// </summary>
internal abstract class OpKernel : IDisposable
{
    /// <summary>The library that runs it: "onednn", "xnnpack", "managed", or a plugged-in backend's name.</summary>
    public abstract string Library { get; }

    /// <summary>The step for one input shape: <paramref name="shapes"/> are the operation's inputs' then outputs' shapes.</summary>
    public abstract OpStep Instantiate(GraphOp op, OpShapes shapes);

    public virtual void Dispose()
    {
    }
}
