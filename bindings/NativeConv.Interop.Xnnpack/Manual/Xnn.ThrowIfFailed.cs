namespace NativeConv.Interop.Xnnpack;

public static partial class Xnn
{
    /// <summary>The one mapping from <see cref="xnn_status"/> to exceptions.</summary>
    /// <param name="status">What the call returned.</param>
    /// <param name="function">The C function called, e.g. <c>nameof(xnn_run_operator)</c>.</param>
    /// <param name="context">Shapes and flags involved, for the message.</param>
    public static void ThrowIfFailed(xnn_status status, string function, string? context = null)
    {
        if (status == xnn_status.xnn_status_success) return;
        throw status switch
        {
            xnn_status.xnn_status_unsupported_parameter or xnn_status.xnn_status_unsupported_hardware
                => new XnnpackUnsupportedException(function, status, context),
            xnn_status.xnn_status_invalid_parameter => new XnnpackInvalidParameterException(function, context),
            _ => new XnnpackException(function, status, context),
        };
    }
}
