namespace NativeConv.Interop;

/// <summary>
/// A native library call reported failure: the base of oneDNN's and XNNPACK's exceptions, so a caller
/// can handle "the native library refused" in one place whatever the backend.
/// </summary>
public abstract class NativeCallException : Exception
{
    protected NativeCallException(string library, string function, string status, string? context)
        : base($"{function} failed with {status}" + (context is null ? "" : $": {context}"))
    {
        Library = library;
        Function = function;
        Context = context;
    }

    /// <summary>The library's import name, e.g. nativeconv_dnnl.</summary>
    public string Library { get; }

    /// <summary>The C function that failed.</summary>
    public string Function { get; }

    /// <summary>What the caller was doing: shapes, formats, flags (may be null).</summary>
    public string? Context { get; }
}
