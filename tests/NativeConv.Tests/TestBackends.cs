using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// The backends under test, shared by all tests. A native backend whose library cannot be loaded is
/// a visible skip carrying the loader's message, except under CI (CI=true), where the native build
/// exists and a missing library is a failure.
/// </summary>
internal static class TestBackends
{
    public const int Threads = 2;

    private static readonly Lazy<ConvBackends> Shared = new(() => new ConvBackends(new NativeConvOptions { Threads = Threads }));

    public static ConvBackends All => Shared.Value;

    public static readonly string[] Native = [OneDnnBackend.BackendName, XnnpackBackend.BackendName];

    public static IConvBackend GetOrSkip(string name)
    {
        if (All.TryGet(name, out IConvBackend? backend, out string? reason)) return backend!;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"backend '{name}' is unavailable under CI, where the native build must exist: {reason}");
        Skip.If(true, $"backend '{name}' unavailable: {reason}");
        throw new InvalidOperationException("unreachable");
    }
}
