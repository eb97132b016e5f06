namespace NativeConv;

/// <summary>Settings of NativeConv's backends and native library loading.</summary>
public sealed class NativeConvOptions
{
    /// <summary>Threads per call for the native backends (unless a registration gives its own); 0: one per processor.</summary>
    public int Threads { get; set; }

    /// <summary>
    /// When set, the only directory native libraries are loaded from (see <c>NativeLibrarySearch</c>):
    /// process-wide, so set once, before the first native backend is made.
    /// </summary>
    public string? NativeLibraryDirectory { get; set; }

    /// <summary>
    /// What the built-in native backends' convolutions give for NaN and ±infinity inputs, and so every layer and network made
    /// on them: PyTorch's values (the default; each call scans its input) or the library's own (no scan).
    /// </summary>
    public NonFiniteValues NonFiniteValues { get; set; }

    /// <summary>The backend <see cref="ConvBackends.Default"/> returns; null: the first registered.</summary>
    public string? DefaultBackend { get; set; }
}
