using Microsoft.Extensions.Options;
using NativeConv.Interop;

namespace NativeConv;

/// <summary>
/// The registered backends by name, each made on first use (a native backend loads its library then)
/// and shared afterwards. Registered as a singleton by <c>AddNativeConv</c>; works without a container
/// too: <c>new ConvBackends(new NativeConvOptions { Threads = 2 })</c> has the built-in backends,
/// <see cref="NativeConvBuilder"/> chooses them.
/// </summary>
public sealed class ConvBackends : IDisposable
{
    private readonly NativeConvOptions _options;
    private readonly IReadOnlyList<BackendRegistration> _registrations;
    private readonly Dictionary<string, ConvBackend> _created = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private bool _disposed;

    /// <summary>The built-in backends (oneDNN, XNNPACK, reference) with these options.</summary>
    public ConvBackends(NativeConvOptions options) : this(options, NativeConvBuilder.BuiltIn().Registrations)
    {
    }

    /// <summary>For containers: the options, and the registrations <c>AddNativeConv</c> collected.</summary>
    public ConvBackends(IOptions<NativeConvOptions> options, IEnumerable<BackendRegistration> registrations)
        : this(options.Value, registrations.ToList())
    {
    }

    internal ConvBackends(NativeConvOptions options, IReadOnlyList<BackendRegistration> registrations)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Threads < 0) throw new ArgumentOutOfRangeException(nameof(options), options.Threads, "Threads must not be negative");
        if (registrations.Count == 0) throw new ArgumentException("no backend is registered", nameof(registrations));
        _registrations = registrations.ToList();
        Names = _registrations.Select(r => r.Name).ToList();
        if (Names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"backend '{twice.Key}' is registered more than once", nameof(registrations));
        if (options.DefaultBackend is { } name && !Names.Contains(name))
            throw new ArgumentException($"unknown default backend '{name}' (known: {string.Join(", ", Names)})", nameof(options));
        _options = options;
        if (options.NativeLibraryDirectory is { } directory) NativeLibrarySearch.UseDirectory(directory);
    }

    /// <summary>The registered names, in registration order.</summary>
    public IReadOnlyList<string> Names { get; }

    public ConvBackend Default => Get(_options.DefaultBackend ?? Names[0]);

    /// <summary>
    /// One backend object as a registry of its own (under its name, not owned: disposing the registry leaves it alone),
    /// for a network on a backend made by hand: <c>new ConvNetwork(blocks, ConvBackends.Of(backend))</c>.
    /// </summary>
    public static ConvBackends Of(ConvBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        return new ConvBackends(new NativeConvOptions { Threads = backend.Threads }, [new BackendRegistration(backend.Name, _ => backend)]) { _borrowed = true };
    }

    private bool _borrowed; // Of: the backend is the caller's

    /// <summary>The backend called <paramref name="name"/>; throws with the known names when there is none, or with every path tried when its library cannot be loaded.</summary>
    public ConvBackend Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_created.TryGetValue(name, out ConvBackend? backend)) return backend;
            BackendRegistration registration = _registrations.FirstOrDefault(r => r.Name == name)
                ?? throw new ArgumentException($"unknown backend '{name}' (known: {string.Join(", ", Names)})", nameof(name));
            backend = registration.Factory(_options)
                ?? throw new InvalidOperationException($"the factory registered for backend '{name}' returned null");
            if (backend.Name != name)
            {
                backend.Dispose();
                throw new InvalidOperationException($"the factory registered as '{name}' made a backend named '{backend.Name}'");
            }
            _created.Add(name, backend);
            return backend;
        }
    }

    /// <summary>Whether <paramref name="name"/> can be made here; <paramref name="reason"/> says why not (e.g. its library is missing).</summary>
    public bool TryGet(string name, out ConvBackend? backend, out string? reason)
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
            if (!_borrowed)
                foreach (ConvBackend backend in _created.Values) backend.Dispose();
            _created.Clear();
        }
    }
}
