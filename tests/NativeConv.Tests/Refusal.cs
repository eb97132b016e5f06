using Xunit;

namespace NativeConv.Tests;

/// <summary>What every catalogue of misuse checks: the exception's type, the parameter it names and a fragment of its message.</summary>
internal static class Refusal
{
    /// <summary>A catalogue entry's misuse on the backend registered as <paramref name="backendName"/> (skipped when it is missing).</summary>
    public static void Check(string backendName, (string Name, Type Exception, string? Param, string? Fragment, Action<ConvBackend> Act) entry)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        Check(entry.Name, entry.Exception, entry.Param, entry.Fragment, () => entry.Act(backend));
    }

    public static void Check(string name, Type exception, string? param, string? fragment, Action misuse)
    {
        Exception e = Assert.ThrowsAny<Exception>(misuse);
        Assert.True(exception.IsInstanceOfType(e), $"{name}: expected {exception.Name}, got {e.GetType().Name}: {e.Message}");
        if (param is not null) Assert.Equal(param, ((ArgumentException)e).ParamName);
        if (fragment is not null) Assert.Contains(fragment, e.Message);
    }
}
