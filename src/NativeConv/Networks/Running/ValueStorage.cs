namespace NativeConv;

/// <summary>Where a network value lives during a call: one of the plan's buffers, or the caller's own.</summary>
internal static class ValueStorage
{
    /// <summary>The caller's input buffer (read only: nothing is ever written there).</summary>
    public const int CallerInput = -1;

    /// <summary>The caller's output buffer.</summary>
    public const int CallerOutput = -2;

    /// <summary>Nowhere the program reads: a value a whole-network object keeps in its own memory.</summary>
    public const int None = -3;
}
