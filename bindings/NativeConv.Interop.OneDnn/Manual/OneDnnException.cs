namespace NativeConv.Interop.OneDnn;

/// <summary>A oneDNN call returned a status other than <c>dnnl_success</c>.</summary>
public class OneDnnException : NativeCallException
{
    public OneDnnException(string function, dnnl_status_t status, string? context)
        : base(Dnnl.LibraryName, function, $"{status} ({(int)status})", context)
    {
        Status = status;
    }

    public dnnl_status_t Status { get; }
}

/// <summary>oneDNN has no implementation for the requested parameters (<c>dnnl_unimplemented</c>).</summary>
public sealed class OneDnnUnimplementedException(string function, string? context)
    : OneDnnException(function, dnnl_status_t.dnnl_unimplemented, context);

/// <summary>oneDNN rejected the arguments (<c>dnnl_invalid_arguments</c>).</summary>
public sealed class OneDnnInvalidArgumentsException(string function, string? context)
    : OneDnnException(function, dnnl_status_t.dnnl_invalid_arguments, context);
