using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace NativeConv.Tests;

/// <summary>The registry: backends are registered by name (with or without a container), never switched on.</summary>
public class DependencyInjectionTests
{
    [Fact]
    public void AddNativeConv_registers_the_chosen_backends_resolvable_by_name()
    {
        var services = new ServiceCollection();
        services.AddNativeConv(b => b.AddReference().AddBackend(FloatLoopBackend.BackendName, _ => new FloatLoopBackend())
            .Configure(o => o.Threads = 1));
        using ServiceProvider provider = services.BuildServiceProvider();
        var backends = provider.GetRequiredService<ConvBackends>();
        Assert.Same(backends, provider.GetRequiredService<ConvBackends>());
        Assert.Equal([ReferenceBackend.BackendName, FloatLoopBackend.BackendName], backends.Names);
        Assert.Equal(ReferenceBackend.BackendName, backends.Default.Name); // the first registered
        Assert.Same(backends.Get(FloatLoopBackend.BackendName), backends.Get(FloatLoopBackend.BackendName));
        Assert.IsType<FloatLoopBackend>(backends.Get(FloatLoopBackend.BackendName));
    }

    [Fact]
    public void AddNativeConv_without_a_builder_registers_the_built_in_backends()
    {
        var services = new ServiceCollection();
        services.AddNativeConv();
        services.Configure<NativeConvOptions>(o => o.DefaultBackend = ReferenceBackend.BackendName);
        using ServiceProvider provider = services.BuildServiceProvider();
        var backends = provider.GetRequiredService<ConvBackends>();
        Assert.Equal([OneDnnBackend.BackendName, XnnpackBackend.BackendName, ReferenceBackend.BackendName], backends.Names);
        Assert.Equal(ReferenceBackend.BackendName, backends.Default.Name);
    }

    [Fact]
    public void The_plain_builder_works_without_a_container()
    {
        using ConvBackends backends = new NativeConvBuilder().AddReference("ref-a").AddReference("ref-b").Build();
        Assert.Equal(["ref-a", "ref-b"], backends.Names);
        Assert.NotSame(backends.Get("ref-a"), backends.Get("ref-b"));
        Assert.Equal("ref-b", backends.Get("ref-b").Name);
    }

    [Fact]
    public void Unknown_duplicate_and_inconsistent_registrations_are_refused()
    {
        using var backends = new ConvBackends(new NativeConvOptions());
        var e = Assert.Throws<ArgumentException>(() => backends.Get("cudnn"));
        Assert.Equal("name", e.ParamName);
        Assert.Contains("onednn, xnnpack, reference", e.Message);
        Assert.Throws<ArgumentException>(() => new ConvBackends(new NativeConvOptions { DefaultBackend = "cudnn" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConvBackends(new NativeConvOptions { Threads = -1 }));

        e = Assert.Throws<ArgumentException>(() => new NativeConvBuilder().AddReference().AddReference());
        Assert.Equal("name", e.ParamName);
        Assert.Contains("already registered", e.Message);

        using ConvBackends misnamed = new NativeConvBuilder().AddBackend("mine", _ => new ReferenceBackend()).Build();
        var wrong = Assert.Throws<InvalidOperationException>(() => misnamed.Get("mine"));
        Assert.Contains("made a backend named 'reference'", wrong.Message);
    }
}
