namespace NativeConv;

/// <summary>An operation with a oneDNN primitive of its own (in its Operations/&lt;Op&gt;/&lt;Op&gt;.OneDnn.cs).</summary>
internal interface IOneDnnOperation
{
    /// <summary>The kernel on <paramref name="backend"/>'s engine and threads, or null where the managed pass measured faster.</summary>
    OpKernel? LowerOneDnn(OneDnnBackend backend);
}
