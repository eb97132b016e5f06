using Microsoft.Extensions.Options;

namespace NativeConv;

/// <summary>
/// The backends by name, each created on first use (a native backend loads its library then) and
/// shared afterwards. Registered as a singleton by <c>AddNativeConv</c>; works without a container too:
/// <c>new ConvBackends(new NativeConvOptions { Threads = 2 })</c>.
/// </summary>
public sealed class ConvBackends : IDisposable
{
    public static readonly IReadOnlyList<string> Names = [OneDnnBackend.BackendName, XnnpackBackend.BackendName, ReferenceBackend.BackendName];

    private readonly NativeConvOptions _options;
    private readonly Dictionary<string, IConvBackend> _created = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private bool _disposed;

    public ConvBackends(NativeConvOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Threads < 0) throw new ArgumentOutOfRangeException(nameof(options), options.Threads, "Threads must not be negative");
        if (!Names.Contains(options.DefaultBackend))
            throw new ArgumentException($"unknown default backend '{options.DefaultBackend}' (known: {string.Join(", ", Names)})", nameof(options));
        _options = options;
        NativeLibraryLoader.Configure(options.NativeLibraryDirectory);
    }

    public ConvBackends(IOptions<NativeConvOptions> options) : this(options.Value)
    {
    }

    public IConvBackend Default => Get(_options.DefaultBackend);

    /// <summary>The backend called <paramref name="name"/>; throws with the known names when there is none, or with every path tried when its library cannot be loaded.</summary>
    public IConvBackend Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_created.TryGetValue(name, out IConvBackend? backend)) return backend;
            backend = name switch
            {
                OneDnnBackend.BackendName => new OneDnnBackend(_options.Threads),
                XnnpackBackend.BackendName => new XnnpackBackend(_options.Threads),
                ReferenceBackend.BackendName => new ReferenceBackend(),
                _ => throw new ArgumentException($"unknown backend '{name}' (known: {string.Join(", ", Names)})", nameof(name)),
            };
            _created.Add(name, backend);
            return backend;
        }
    }

    /// <summary>Whether <paramref name="name"/> can be created here; <paramref name="reason"/> says why not.</summary>
    public bool TryGet(string name, out IConvBackend? backend, out string? reason)
    {
        try
        {
            backend = Get(name);
            reason = null;
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            backend = null;
            reason = e.Message;
            return false;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            // Layers made from these backends keep working: they hold their own references.
            _disposed = true;
            foreach (IConvBackend backend in _created.Values) (backend as IDisposable)?.Dispose();
            _created.Clear();
        }
    }
}
