using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace NativeConv;

public static class NativeConvServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="NativeConvOptions"/> (options pattern) and <see cref="ConvBackends"/> as a
    /// singleton, which configures <see cref="NativeLibraryLoader"/> and resolves backends by name.
    /// </summary>
    public static IServiceCollection AddNativeConv(this IServiceCollection services, Action<NativeConvOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<NativeConvOptions>();
        if (configure is not null) options.Configure(configure);
        services.TryAddSingleton<ConvBackends>();
        return services;
    }
}
