namespace NativeConv;

public static class XnnpackRegistration
{
    /// <summary>
    /// Registers XNNPACK under <paramref name="name"/>, with a thread pool of its own (<paramref name="threads"/>
    /// or the options'); register it again under another name for a thread group that must not take turns with this one.
    /// </summary>
    public static NativeConvBuilder AddXnnpack(this NativeConvBuilder builder, string name = XnnpackBackend.BackendName, int? threads = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddBackend(name, options => new XnnpackBackend(threads ?? options.Threads, name) { NonFiniteValues = options.NonFiniteValues });
    }
}
