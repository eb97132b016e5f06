namespace NativeConv.Npy;

/// <summary>
/// A <c>.npy</c> file, or an entry of a <c>.npz</c> archive, that is malformed or is not a float32,
/// little-endian, C-ordered array where one was asked for; the message names the file (and entry)
/// and says what to change.
/// </summary>
public sealed class NpyFormatException : Exception
{
    /// <summary>A problem with the <c>.npy</c> file at <paramref name="path"/>.</summary>
    public NpyFormatException(string path, string problem)
        : this(path, null, problem)
    {
    }

    /// <summary>A problem with entry <paramref name="key"/> of the archive at <paramref name="path"/> (or the file itself when <paramref name="key"/> is null).</summary>
    public NpyFormatException(string path, string? key, string problem)
        : base(key is null ? $"{path}: {problem}" : $"{path}, entry '{key}': {problem}")
    {
        Path = path;
        Key = key;
    }

    /// <summary>The <c>.npy</c> file or <c>.npz</c> archive.</summary>
    public string Path { get; }

    /// <summary>The archive key (entry name without <c>.npy</c>), or null for a plain <c>.npy</c> file.</summary>
    public string? Key { get; }
}
