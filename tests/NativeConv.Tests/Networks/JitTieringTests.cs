using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// The planner skips its waits for the JIT only where tiering is off the ways the runtime reads: the environment
/// (DOTNET_ before COMPlus_, hexadecimal, 0 = off) over runtimeconfig.json's boolean.
/// </summary>
public class JitTieringTests
{
    [Theory]
    [InlineData(null, null, null, false)] // the default: tiering on
    [InlineData(false, null, null, true)] // <TieredCompilation>false</TieredCompilation>
    [InlineData("false", null, null, true)]
    [InlineData(true, null, null, false)]
    [InlineData("not a boolean", null, null, false)]
    [InlineData(null, "0", null, true)]
    [InlineData(null, "1", null, false)]
    [InlineData(null, "0x0", null, true)]
    [InlineData(null, "a", null, false)] // hexadecimal: 10, on
    [InlineData(true, "0", null, true)] // the environment wins
    [InlineData(false, "1", null, false)]
    [InlineData(null, "1", "0", false)] // DOTNET_ before COMPlus_
    [InlineData(null, null, "0", true)]
    [InlineData(null, "off", "0", true)] // a variable that is not a number is ignored
    [InlineData(false, " ", null, true)]
    public void Reads_the_switch_as_the_runtime_does(object? runtimeConfig, string? dotnet, string? complus, bool off)
    {
        Assert.Equal(off, JitTiering.IsTurnedOff(runtimeConfig, dotnet, complus));
    }

}
