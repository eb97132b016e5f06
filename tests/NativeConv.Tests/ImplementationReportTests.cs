using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Tests;

/// <summary>
/// Which native implementation runs the MobileNet v1 depthwise 3x3 and pointwise 1x1 shapes on this
/// CPU (printed, and written to artifacts/conformance-summary.txt), each checked against the reference.
/// </summary>
public class ImplementationReportTests(ITestOutputHelper output, ConformanceSummary summary) : IClassFixture<ConformanceSummary>
{
    public static TheoryData<string, string> Shapes()
    {
        var data = new TheoryData<string, string>();
        foreach (string backend in TestBackends.Native)
            foreach (string shape in new[] { "dw 32@112 s1", "dw 64@112 s2", "dw 512@14 s1", "pw 32->64@112", "pw 512->1024@7", "pw 1024->1024@7" })
                data.Add(backend, shape);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Shapes))]
    public void MobileNet_shape_runs_and_reports_its_implementation(string backendName, string shape)
    {
        IConvBackend backend = TestBackends.GetOrSkip(backendName);
        string[] parts = shape.Split(' ', '@', '-', '>');
        int size = int.Parse(parts[^1].Split(' ')[0]);
        Conv2dSpec spec = parts[0] == "dw"
            ? Conv2dSpec.Depthwise(int.Parse(parts[1]), 3, stride: shape.EndsWith("s2") ? 2 : 1, padding: 1, activation: Activation.ReLU6)
            : Conv2dSpec.Pointwise(int.Parse(parts[1]), int.Parse(parts[3]), activation: Activation.ReLU6);
        // Integer-valued data keeps every sum exact, so the check is equality.
        var r = new Random(shape.Length);
        float[] weights = Enumerable.Range(0, spec.WeightCount).Select(_ => (float)r.Next(-2, 3)).ToArray();
        float[] bias = Enumerable.Range(0, spec.BiasCount).Select(_ => (float)r.Next(-4, 5)).ToArray();
        ConvGeometry g = spec.Geometry(1, size, size);
        float[] input = Enumerable.Range(0, g.InputLength).Select(_ => (float)r.Next(-3, 4)).ToArray();
        var expected = new float[g.OutputLength];
        var actual = new float[g.OutputLength];
        using (var reference = new Conv2dLayer(spec, weights, bias, new ReferenceBackend(), TensorLayout.Nhwc))
            reference.Forward(input, expected, 1, size, size);
        using var layer = new Conv2dLayer(spec, weights, bias, backend, TensorLayout.Nhwc);
        layer.Forward(input, actual, 1, size, size);
        output.WriteLine($"{backendName} {shape} NHWC: {layer.ImplementationName}");
        summary.RecordImplementation(backendName, shape, layer.ImplementationName);
        Assert.Equal(expected, actual);
    }
}
