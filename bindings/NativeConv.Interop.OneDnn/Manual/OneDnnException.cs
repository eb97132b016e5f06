namespace NativeConv.Interop.OneDnn;

/// <summary>A oneDNN call returned a status other than <c>dnnl_success</c>.</summary>
public class OneDnnException : Exception
{
    public OneDnnException(string function, dnnl_status_t status, string? context)
        : base(Describe(function, status, context))
    {
        Function = function;
        Status = status;
        Context = context;
    }

    /// <summary>The C function that failed.</summary>
    public string Function { get; }

    public dnnl_status_t Status { get; }

    /// <summary>What the caller was doing: shapes, formats (may be null).</summary>
    public string? Context { get; }

    private static string Describe(string function, dnnl_status_t status, string? context) =>
        $"{function} failed with {status} ({(int)status})" + (context is null ? "" : $": {context}");
}

/// <summary>oneDNN has no implementation for the requested parameters (<c>dnnl_unimplemented</c>).</summary>
public sealed class OneDnnUnimplementedException(string function, string? context)
    : OneDnnException(function, dnnl_status_t.dnnl_unimplemented, context);

/// <summary>oneDNN rejected the arguments (<c>dnnl_invalid_arguments</c>).</summary>
public sealed class OneDnnInvalidArgumentsException(string function, string? context)
    : OneDnnException(function, dnnl_status_t.dnnl_invalid_arguments, context);
