namespace NativeConv.Npy;

/// <summary>Where a .npy stream comes from (a file, or an archive's entry), so every error names it the same way.</summary>
internal readonly record struct NpySource(string Path, string? Key = null)
{
    /// <summary>"file" or "entry", for messages such as "the entry has 12 bytes".</summary>
    public string Noun => Key is null ? "file" : "entry";

    public NpyFormatException Problem(string problem) => new(Path, Key, problem);
}
