namespace NativeConv;

/// <summary>
/// What a <see cref="ConvRepair"/> needs during one call, owned by whoever runs calls one at a time (a kernel under its
/// lock, a network step of one execution context): made the first time a call meets a non-finite input, grown to the
/// largest shape met, then kept, so a finite call never allocates. Every flag is cleared before the call returns.
/// </summary>
internal sealed class RepairScratch
{
    /// <summary>Indices of the non-finite inputs of the current call.</summary>
    public int[] Positions = [];

    /// <summary>Per (image, group, input row, column): a NaN there was scattered already (cleared before the call returns).</summary>
    public bool[] Seen = [];

    /// <summary>Per output: the classes its sum met (<see cref="NonFiniteRules.Classes"/>), and <see cref="ConvRepair.ResidualOnly"/>.</summary>
    public byte[] Flags = [];

    /// <summary>The outputs with a flag, in the order first met.</summary>
    public int[] Touched = [];

    /// <summary>Per touched output, the residual it adds, read before the call (which may write over it).</summary>
    public float[] Residual = [];

    public int TouchedCount;

    /// <summary>The whole input was NaN and every output reads some of it: every output is NaN (no scatter).</summary>
    public bool AllNaN;

    /// <summary>The output length when <see cref="AllNaN"/>.</summary>
    public int AllNaNLength;

    /// <summary>Sizes the per-output flags for <paramref name="outputs"/> values (new arrays are zero).</summary>
    public void Reserve(int outputs)
    {
        if (Flags.Length < outputs) Flags = new byte[outputs];
    }

    public void Touch(int output, byte flags)
    {
        if (Flags[output] == 0)
        {
            if (TouchedCount == Touched.Length) Array.Resize(ref Touched, Math.Max(64, 2 * Touched.Length));
            Touched[TouchedCount++] = output;
        }
        Flags[output] |= flags;
    }
}
