namespace NativeConv;

/// <summary>
/// A state_dict does not fit the network being built: a key is missing, a key is left over, or a tensor
/// has another shape. The message names the key and both shapes.
/// </summary>
public sealed class StateDictException : Exception
{
    public StateDictException(string message, string key, IReadOnlyList<int>? expectedShape = null, IReadOnlyList<int>? actualShape = null, Exception? inner = null)
        : base(message, inner)
    {
        Key = key;
        ExpectedShape = expectedShape;
        ActualShape = actualShape;
    }

    public string Key { get; }

    public IReadOnlyList<int>? ExpectedShape { get; }

    public IReadOnlyList<int>? ActualShape { get; }

    internal static string Describe(IReadOnlyList<int> shape) => "(" + string.Join(", ", shape) + (shape.Count == 1 ? ",)" : ")");
}
