namespace NativeConv.Interop.OneDnn;

public static partial class Dnnl
{
    /// <summary>The one mapping from <see cref="dnnl_status_t"/> to exceptions.</summary>
    /// <param name="status">What the call returned.</param>
    /// <param name="function">The C function called, e.g. <c>nameof(dnnl_primitive_create)</c>.</param>
    /// <param name="context">Shapes and formats involved, for the message.</param>
    public static void ThrowIfFailed(dnnl_status_t status, string function, string? context = null)
    {
        if (status == dnnl_status_t.dnnl_success) return;
        throw status switch
        {
            dnnl_status_t.dnnl_unimplemented => new OneDnnUnimplementedException(function, context),
            dnnl_status_t.dnnl_invalid_arguments => new OneDnnInvalidArgumentsException(function, context),
            _ => new OneDnnException(function, status, context),
        };
    }
}
