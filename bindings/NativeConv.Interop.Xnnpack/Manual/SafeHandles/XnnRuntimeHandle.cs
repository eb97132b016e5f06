using System.Runtime.InteropServices;

namespace NativeConv.Interop.Xnnpack;

/// <summary>Owns an <see cref="xnn_runtime_t"/>; released with <c>xnn_delete_runtime</c>. Dispose twice is harmless.</summary>
public sealed class XnnRuntimeHandle : SafeHandle
{
    public XnnRuntimeHandle(xnn_runtime_t value) : base(0, ownsHandle: true) => SetHandle(value.Value);

    public override bool IsInvalid => handle == 0;

    public xnn_runtime_t Value => new(handle);

    protected override bool ReleaseHandle() => Xnn.xnn_delete_runtime(new xnn_runtime_t(handle)) == xnn_status.xnn_status_success;
}
