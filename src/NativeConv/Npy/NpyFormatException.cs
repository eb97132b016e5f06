namespace NativeConv.Npy;

/// <summary>A file that is not a float32, little-endian, C-ordered NumPy <c>.npy</c> array; the message says what to change.</summary>
public sealed class NpyFormatException(string path, string problem)
    : Exception($"{path}: {problem}")
{
    public string Path { get; } = path;
}
