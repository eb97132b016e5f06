namespace NativeConv;

/// <summary>A backend known by name, and how to make it from the options (on first use).</summary>
/// <param name="Name">What <see cref="ConvBackends.Get"/> is asked for.</param>
/// <param name="Factory">Makes the backend; it must report the same <see cref="ConvBackend.Name"/>.</param>
public sealed record BackendRegistration(string Name, Func<NativeConvOptions, ConvBackend> Factory);
