namespace NativeConv.Interop;

/// <summary>A native library could not be loaded; the message lists every path tried and why each failed.</summary>
public sealed class NativeLibraryLoadException : DllNotFoundException
{
    public NativeLibraryLoadException(string library, IReadOnlyList<(string Path, string Reason)> attempts)
        : base($"could not load native library '{library}'. Tried:\n" +
               string.Join("\n", attempts.Select(a => $"  {a.Path}: {a.Reason}")))
    {
        Library = library;
        Attempts = attempts;
    }

    public string Library { get; }

    public IReadOnlyList<(string Path, string Reason)> Attempts { get; }
}
