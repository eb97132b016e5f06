namespace NativeConv;

public static class OneDnnRegistration
{
    /// <summary>Registers oneDNN under <paramref name="name"/>, with its own OpenMP thread count or the options'.</summary>
    public static NativeConvBuilder AddOneDnn(this NativeConvBuilder builder, string name = OneDnnBackend.BackendName, int? threads = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddBackend(name, options => new OneDnnBackend(threads ?? options.Threads, name) { NonFiniteValues = options.NonFiniteValues });
    }
}
