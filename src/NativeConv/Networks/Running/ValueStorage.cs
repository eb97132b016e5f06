namespace NativeConv;

/// <summary>Where a network value lives during a call: one of the instance's buffers (index ≥ 0), or the caller's own.</summary>
internal static class ValueStorage
{
    /// <summary>Nowhere the program reads: a value a whole-network object keeps in its own memory.</summary>
    public const int None = int.MinValue;

    /// <summary>The caller's buffer of input <paramref name="k"/> (read only: nothing is ever written there).</summary>
    public static int CallerInput(int k) => -2 - 2 * k;

    /// <summary>The caller's buffer of output <paramref name="k"/>.</summary>
    public static int CallerOutput(int k) => -3 - 2 * k;

    /// <summary>Which caller input a storage is (-1: none).</summary>
    public static int InputOf(int storage) => storage < 0 && storage != None && storage % 2 == 0 ? (-2 - storage) / 2 : -1;

    /// <summary>Which caller output a storage is (-1: none).</summary>
    public static int OutputOf(int storage) => storage < 0 && storage != None && storage % 2 != 0 ? (-3 - storage) / 2 : -1;
}
