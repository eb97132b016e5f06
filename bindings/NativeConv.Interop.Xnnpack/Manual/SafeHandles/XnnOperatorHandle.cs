using System.Runtime.InteropServices;

namespace NativeConv.Interop.Xnnpack;

/// <summary>Owns an <see cref="xnn_operator_t"/>; released with <c>xnn_delete_operator</c>. Dispose twice is harmless.</summary>
public sealed class XnnOperatorHandle : SafeHandle
{
    public XnnOperatorHandle(xnn_operator_t value) : base(0, ownsHandle: true) => SetHandle(value.Value);

    public override bool IsInvalid => handle == 0;

    public xnn_operator_t Value => new(handle);

    protected override bool ReleaseHandle() => Xnn.xnn_delete_operator(new xnn_operator_t(handle)) == xnn_status.xnn_status_success;
}
