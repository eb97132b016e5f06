namespace NativeConv;

/// <summary>Named float tensors: a PyTorch state_dict, from an <c>.npz</c> file (<see cref="NpzStateDict"/>) or generated (<see cref="RandomStateDict"/>).</summary>
public interface IStateDict
{
    /// <summary>Every key it holds (a generated one: none until asked).</summary>
    IReadOnlyCollection<string> Keys { get; }

    /// <summary>The tensor <paramref name="key"/> in C order; throws <see cref="StateDictException"/> when it is missing or has another shape.</summary>
    float[] Read(string key, ReadOnlySpan<int> shape);
}
