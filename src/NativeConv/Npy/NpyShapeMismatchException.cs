namespace NativeConv.Npy;

/// <summary>
/// An array read from a <c>.npz</c> archive has another shape than the caller needs: typically a
/// state_dict from a different model or width. The message names the archive, the key and both shapes.
/// </summary>
public sealed class NpyShapeMismatchException : Exception
{
    public NpyShapeMismatchException(string path, string key, IReadOnlyList<int> expectedShape, IReadOnlyList<int> actualShape)
        : base($"{path}, entry '{key}': expected shape {NpyArray.Describe(expectedShape)}, the archive has {NpyArray.Describe(actualShape)}")
    {
        Path = path;
        Key = key;
        ExpectedShape = expectedShape.ToArray();
        ActualShape = actualShape.ToArray();
    }

    /// <summary>The <c>.npz</c> archive.</summary>
    public string Path { get; }

    /// <summary>The archive key whose shape did not match.</summary>
    public string Key { get; }

    /// <summary>The shape the caller asked for.</summary>
    public IReadOnlyList<int> ExpectedShape { get; }

    /// <summary>The shape stored in the archive.</summary>
    public IReadOnlyList<int> ActualShape { get; }
}
