namespace NativeConv.Interop.Xnnpack;

/// <summary>An XNNPACK call returned a status other than <c>xnn_status_success</c>.</summary>
public class XnnpackException : NativeCallException
{
    public XnnpackException(string function, xnn_status status, string? context)
        : base(Xnn.LibraryName, function, $"{status} ({(int)status})", context)
    {
        Status = status;
    }

    public xnn_status Status { get; }
}

/// <summary>XNNPACK has no kernel for these parameters on this CPU (<c>xnn_status_unsupported_parameter</c> or <c>_hardware</c>).</summary>
public sealed class XnnpackUnsupportedException(string function, xnn_status status, string? context)
    : XnnpackException(function, status, context);

/// <summary>XNNPACK rejected a parameter (<c>xnn_status_invalid_parameter</c>).</summary>
public sealed class XnnpackInvalidParameterException(string function, string? context)
    : XnnpackException(function, xnn_status.xnn_status_invalid_parameter, context);
