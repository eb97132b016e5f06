namespace NativeConv.Interop.Xnnpack;

/// <summary>An XNNPACK call returned a status other than <c>xnn_status_success</c>.</summary>
public class XnnpackException : Exception
{
    public XnnpackException(string function, xnn_status status, string? context)
        : base($"{function} failed with {status} ({(int)status})" + (context is null ? "" : $": {context}"))
    {
        Function = function;
        Status = status;
        Context = context;
    }

    /// <summary>The C function that failed.</summary>
    public string Function { get; }

    public xnn_status Status { get; }

    /// <summary>What the caller was doing: shapes, flags (may be null).</summary>
    public string? Context { get; }
}

/// <summary>XNNPACK has no kernel for these parameters on this CPU (<c>xnn_status_unsupported_parameter</c> or <c>_hardware</c>).</summary>
public sealed class XnnpackUnsupportedException(string function, xnn_status status, string? context)
    : XnnpackException(function, status, context);

/// <summary>XNNPACK rejected a parameter (<c>xnn_status_invalid_parameter</c>).</summary>
public sealed class XnnpackInvalidParameterException(string function, string? context)
    : XnnpackException(function, xnn_status.xnn_status_invalid_parameter, context);
