using Xunit;

namespace NativeConv.Testing;

/// <summary>
/// What a test needs from the machine (root, a mount): without it, a visible skip, except under CI (CI=true), where
/// the tests run as root and its absence is a failure.
/// </summary>
public static class Prerequisite
{
    public static void Require(bool available, string why)
    {
        if (available) return;
        if (TestBackends.UnderCi) throw new InvalidOperationException($"unavailable under CI: {why}");
        Skip.If(true, why);
    }
}
