using Xunit;

namespace NativeConv.Testing;

/// <summary>
/// The backends under test, read from one registry: the built-in ones plus a managed backend registered
/// the way a user's own would be (<see cref="FloatLoopBackend"/>, one line below). Theory data lists
/// read <see cref="Names"/>, so a new backend is tested by registering it here. A native backend whose
/// library cannot be loaded is a visible skip carrying the loader's message, except under CI (CI=true),
/// where the native build exists and a missing library is a failure.
/// </summary>
public static class TestBackends
{
    public const int Threads = 2;

    public static NativeConvBuilder Registry { get; } = NativeConvBuilder.BuiltIn()
        .AddBackend(FloatLoopBackend.BackendName, _ => new FloatLoopBackend())
        .Configure(o => o.Threads = Threads);

    private static readonly Lazy<ConvBackends> Shared = new(Registry.Build);

    public static ConvBackends All => Shared.Value;

    /// <summary>Every registered backend.</summary>
    public static IReadOnlyList<string> Names => Registry.Names;

    /// <summary>Every backend checked against the reference (all but the reference itself).</summary>
    public static IReadOnlyList<string> UnderTest => Names.Where(n => n != ReferenceBackend.BackendName).ToList();

    /// <summary>The backends over native libraries (lifetime, thread and implementation tests are about them).</summary>
    public static readonly string[] Native = [OneDnnBackend.BackendName, XnnpackBackend.BackendName];

    /// <summary>Theory rows: every pair of the two lists (e.g. backend × case), in order.</summary>
    public static TheoryData<T1, T2> Rows<T1, T2>(IEnumerable<T1> first, IEnumerable<T2> second)
    {
        var rows = new TheoryData<T1, T2>();
        foreach (var (a, b) in first.SelectMany(a => second.Select(b => (a, b)))) rows.Add(a, b);
        return rows;
    }

    /// <summary>Theory rows: every triple of the three lists (e.g. backend × case × layout), in order.</summary>
    public static TheoryData<T1, T2, T3> Rows<T1, T2, T3>(IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third)
    {
        var rows = new TheoryData<T1, T2, T3>();
        foreach (var (a, b, c) in first.SelectMany(a => second.SelectMany(b => third.Select(c => (a, b, c))))) rows.Add(a, b, c);
        return rows;
    }

    /// <summary>Both layouts.</summary>
    public static readonly TensorLayout[] Layouts = [TensorLayout.Nchw, TensorLayout.Nhwc];

    public static bool UnderCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static ConvBackend GetOrSkip(string name)
    {
        if (All.TryGet(name, out ConvBackend? backend, out string? reason)) return backend!;
        if (UnderCi)
            throw new InvalidOperationException($"backend '{name}' is unavailable under CI, where the native build must exist: {reason}");
        Skip.If(true, $"backend '{name}' unavailable: {reason}");
        throw new InvalidOperationException("unreachable");
    }
}
