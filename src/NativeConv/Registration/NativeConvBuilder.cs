namespace NativeConv;

/// <summary>
/// Which backends exist, and the options they are made with: the registry behind <see cref="ConvBackends"/>.
/// Used by <c>services.AddNativeConv(b => b.AddOneDnn().AddXnnpack())</c>, or without a container:
/// <c>new NativeConvBuilder().AddOneDnn().AddXnnpack().Build()</c>. A backend of your own is one line:
/// <c>builder.AddBackend("mine", options => new MyBackend(options.Threads))</c>.
/// </summary>
public sealed class NativeConvBuilder
{
    private readonly List<BackendRegistration> _registrations = [];
    private readonly List<Action<NativeConvOptions>> _configure = [];

    /// <summary>The registered names, in registration order.</summary>
    public IReadOnlyList<string> Names => _registrations.Select(r => r.Name).ToList();

    internal IReadOnlyList<BackendRegistration> Registrations => _registrations;

    internal IReadOnlyList<Action<NativeConvOptions>> Configurations => _configure;

    /// <summary>Registers a backend under <paramref name="name"/>; a name can be registered once.</summary>
    public NativeConvBuilder AddBackend(string name, Func<NativeConvOptions, ConvBackend> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        if (_registrations.Any(r => r.Name == name))
            throw new ArgumentException($"a backend named '{name}' is already registered (registered: {string.Join(", ", Names)})", nameof(name));
        _registrations.Add(new BackendRegistration(name, factory));
        return this;
    }

    /// <summary>Adjusts the options (threads, native library directory, default backend).</summary>
    public NativeConvBuilder Configure(Action<NativeConvOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _configure.Add(configure);
        return this;
    }

    /// <summary>The backends, without a container.</summary>
    public ConvBackends Build()
    {
        var options = new NativeConvOptions();
        foreach (var configure in _configure) configure(options);
        return new ConvBackends(options, _registrations);
    }

    /// <summary>oneDNN, XNNPACK and the reference: what <c>new ConvBackends(options)</c> and <c>AddNativeConv()</c> register.</summary>
    public static NativeConvBuilder BuiltIn() => new NativeConvBuilder().AddOneDnn().AddXnnpack().AddReference();
}
