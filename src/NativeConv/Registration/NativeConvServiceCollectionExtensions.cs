using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace NativeConv;

public static class NativeConvServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ConvBackends"/> as a singleton with the backends <paramref name="build"/> adds
    /// (<c>b => b.AddOneDnn().AddXnnpack()</c>; none given: oneDNN, XNNPACK and the reference) and
    /// <see cref="NativeConvOptions"/> through the options pattern (<c>b.Configure(...)</c> or
    /// <c>services.Configure&lt;NativeConvOptions&gt;(...)</c>).
    /// </summary>
    public static IServiceCollection AddNativeConv(this IServiceCollection services, Action<NativeConvBuilder>? build = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        NativeConvBuilder builder;
        if (build is null) builder = NativeConvBuilder.BuiltIn();
        else
        {
            builder = new NativeConvBuilder();
            build(builder);
        }
        var options = services.AddOptions<NativeConvOptions>();
        foreach (var configure in builder.Configurations) options.Configure(configure);
        foreach (BackendRegistration registration in builder.Registrations) services.AddSingleton(registration);
        services.TryAddSingleton<ConvBackends>();
        return services;
    }
}
