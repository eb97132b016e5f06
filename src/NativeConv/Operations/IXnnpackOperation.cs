namespace NativeConv;

/// <summary>An operation with an XNNPACK operator of its own (in its Operations/&lt;Op&gt;/&lt;Op&gt;.Xnnpack.cs).</summary>
internal interface IXnnpackOperation
{
    /// <summary>The kernel on <paramref name="backend"/>'s pool, or null where the managed pass measured faster.</summary>
    OpKernel? LowerXnnpack(XnnpackBackend backend);
}
