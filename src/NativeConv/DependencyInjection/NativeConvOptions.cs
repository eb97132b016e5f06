namespace NativeConv;

/// <summary>Settings of NativeConv's backends and native library loading.</summary>
public sealed class NativeConvOptions
{
    /// <summary>Threads per call for both native backends; 0: one per processor.</summary>
    public int Threads { get; set; }

    /// <summary>When set, the only directory native libraries are loaded from (see <see cref="NativeLibraryLoader"/>).</summary>
    public string? NativeLibraryDirectory { get; set; }

    /// <summary>The backend <see cref="ConvBackends.Default"/> returns: "onednn", "xnnpack" or "reference".</summary>
    public string DefaultBackend { get; set; } = OneDnnBackend.BackendName;
}
