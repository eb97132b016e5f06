using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace NativeConv.Tests;

public class DependencyInjectionTests
{
    [Fact]
    public void AddNativeConv_registers_backends_resolvable_by_name()
    {
        var services = new ServiceCollection();
        services.AddNativeConv(o =>
        {
            o.Threads = 1;
            o.DefaultBackend = ReferenceBackend.BackendName;
        });
        using ServiceProvider provider = services.BuildServiceProvider();
        var backends = provider.GetRequiredService<ConvBackends>();
        Assert.Same(backends, provider.GetRequiredService<ConvBackends>());
        Assert.Equal(ReferenceBackend.BackendName, backends.Default.Name);
        Assert.Same(backends.Get("reference"), backends.Get("reference"));
    }

    [Fact]
    public void Unknown_backend_names_list_the_known_ones()
    {
        using var backends = new ConvBackends(new NativeConvOptions());
        var e = Assert.Throws<ArgumentException>(() => backends.Get("cudnn"));
        Assert.Equal("name", e.ParamName);
        Assert.Contains("onednn, xnnpack, reference", e.Message);
        Assert.Throws<ArgumentException>(() => new ConvBackends(new NativeConvOptions { DefaultBackend = "cudnn" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConvBackends(new NativeConvOptions { Threads = -1 }));
    }
}
