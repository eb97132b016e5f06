using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// Disposing the backends (say, the DI container) while layers still live must not free the native
/// engine or thread pool under them: the layers keep working until they are disposed themselves.
/// </summary>
public class BackendLifetimeTests
{
    [SkippableTheory]
    [InlineData("onednn")]
    [InlineData("xnnpack")]
    public void A_layer_outlives_its_disposed_backend(string backendName)
    {
        TestBackends.GetOrSkip(backendName); // skip visibly when the library is missing
        float[] weights = Enumerable.Range(0, 16 * 9).Select(i => (float)(i % 5 - 2)).ToArray();
        float[] bias = Enumerable.Range(0, 16).Select(i => (float)(i % 3)).ToArray();
        float[] input = Enumerable.Range(0, 16 * 10 * 10).Select(i => (float)(i % 7 - 3)).ToArray();
        var expected = new float[input.Length];
        using (var reference = new DepthwiseConv2d(16, 3, weights, bias, new ReferenceBackend(), padding: 1, layout: TensorLayout.Nhwc))
            reference.Forward(input, expected, 1, 10, 10);

        var backends = new ConvBackends(new NativeConvOptions { Threads = 2 });
        ConvBackend backend = backends.Get(backendName);
        var layer = new DepthwiseConv2d(16, 3, weights, bias, backend, padding: 1, layout: TensorLayout.Nhwc);
        backends.Dispose();
        var output = new float[input.Length];
        layer.Forward(input, output, 1, 10, 10);
        Assert.Equal(expected, output); // integer data: exact
        layer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => backends.Get(backendName));
        Assert.Throws<ObjectDisposedException>(() => backend.Create(layer.Spec, TensorLayout.Nhwc, weights, bias));
    }
}
