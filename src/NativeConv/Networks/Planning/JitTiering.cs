namespace NativeConv;

/// <summary>
/// Whether the JIT tiers code up in the background in this process. The planner waits for it to go quiet before
/// timing anything (<see cref="NetworkPlanner"/>); with tiering off every method is compiled fully optimized on its
/// first call, nothing compiles in the background, and the wait would time nothing (it added its 300 ms floor
/// twice: v2 planned in 1.3 s with tiering off, 0.7 s without the waits, here). A service that plans at start
/// and cares for the first call more than for the start-up's own JIT can turn it off for that.
/// </summary>
internal static class JitTiering
{
    /// <summary>
    /// On unless turned off the two documented ways: the project's <c>&lt;TieredCompilation&gt;false&lt;/TieredCompilation&gt;</c>
    /// (runtimeconfig.json's <c>System.Runtime.TieredCompilation</c>, which the runtime passes to AppContext) or the
    /// environment's <c>DOTNET_TieredCompilation=0</c> (or its older <c>COMPlus_</c> name), read as the runtime reads them at start.
    /// </summary>
    public static bool IsOn { get; } = !IsTurnedOff(
        AppContext.GetData("System.Runtime.TieredCompilation"),
        Environment.GetEnvironmentVariable("DOTNET_TieredCompilation"),
        Environment.GetEnvironmentVariable("COMPlus_TieredCompilation"));

    /// <summary>
    /// The runtime's own reading: the environment wins over runtimeconfig, DOTNET_ over COMPlus_; a variable is a
    /// hexadecimal number (0 = off, one that is not a number is ignored); the runtimeconfig property is a boolean.
    /// </summary>
    internal static bool IsTurnedOff(object? runtimeConfig, string? dotnetVariable, string? complusVariable)
    {
        foreach (string? variable in new[] { dotnetVariable, complusVariable })
        {
            string text = variable?.Trim() ?? "";
            if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) text = text[2..];
            if (uint.TryParse(text, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out uint value))
                return value == 0; // one that is not a number is ignored, as the runtime ignores it
        }
        return runtimeConfig switch
        {
            bool on => !on,
            string text => bool.TryParse(text, out bool on) && !on,
            _ => false,
        };
    }
}
