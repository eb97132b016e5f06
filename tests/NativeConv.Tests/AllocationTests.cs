using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// Once a shape is warm, Forward allocates nothing on the managed heap (counted by the runtime for
/// this thread, so it is exact and independent of timing), for every backend, layout and layer kind.
/// </summary>
public class AllocationTests
{
    public static TheoryData<string, TensorLayout> Cases()
    {
        var data = new TheoryData<string, TensorLayout>();
        foreach (string backend in TestBackends.Names)
            foreach (TensorLayout layout in Enum.GetValues<TensorLayout>())
                data.Add(backend, layout);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Warm_forward_allocates_nothing(string backendName, TensorLayout layout)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        using var block = new DepthwiseSeparableConv2d(16, 24, 3, new float[16 * 9], new float[16], new float[24 * 16], new float[24],
            backend, new DepthwiseSeparableOptions { Padding = 1, Stride = 2, DepthwiseActivation = Activation.HardSwish, Layout = layout });
        var input = new float[2 * 16 * 20 * 20];
        var output = new float[block.Geometry(2, 20, 20).OutputLength];
        block.Forward(input, output, 2, 20, 20); // first call for the shape: native state made here

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++) block.Forward(input, output, 2, 20, 20);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    /// <summary>A whole network (squeeze-and-excitation, residuals, pool, classifier) once warm: nothing either.</summary>
    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Warm_network_forward_allocates_nothing(string backendName, TensorLayout layout)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        var (blocks, channels, size) = NetworkCases.Get("v3-small");
        using var network = new ConvNetwork(blocks, backend, layout);
        var input = new float[2 * channels * size * size];
        var output = new float[network.OutputShape(new TensorShape(2, channels, size, size)).Length];
        network.Forward(input, output, 2, size, size); // first call for the shape: buffers and native state made here

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) network.Forward(input, output, 2, size, size);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
