namespace NativeConv;

/// <summary>How a backend runs a spec: natively, or with bridges around the native call, and what they cost.</summary>
/// <param name="Backend">The backend's name.</param>
/// <param name="Bridges">Each step added around the native kernel, with its cost; empty when it runs as is.</param>
public sealed record BackendCapabilities(string Backend, IReadOnlyList<string> Bridges)
{
    public bool IsNative => Bridges.Count == 0;

    /// <summary>What NaN and ±infinity inputs give, and what that costs (<see cref="NonFiniteValues"/>); null: not stated.</summary>
    public string? NonFinite { get; init; }

    public override string ToString() =>
        (Bridges.Count == 0 ? $"{Backend}: native" : $"{Backend}: {string.Join("; ", Bridges)}") + (NonFinite is null ? "" : $"; {NonFinite}");
}
