namespace NativeConv;

public static class ReferenceRegistration
{
    /// <summary>Registers the pure C# reference under <paramref name="name"/>.</summary>
    public static NativeConvBuilder AddReference(this NativeConvBuilder builder, string name = ReferenceBackend.BackendName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddBackend(name, _ => new ReferenceBackend(name));
    }
}
