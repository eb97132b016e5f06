using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Tests;

/// <summary>
/// Which native implementation runs the MobileNet v1 depthwise 3x3 and pointwise 1x1 shapes on this
/// CPU (printed, and written to artifacts/conformance-summary.txt), each checked against the reference.
/// </summary>
public class ImplementationReportTests(ITestOutputHelper output, ConformanceSummary summary) : IClassFixture<ConformanceSummary>
{
    public static TheoryData<string, string, int, int, int, int> Shapes()
    {
        // (kind, in, out, input size, stride): MobileNet v1's first, a strided and a deep depthwise; three pointwise.
        (string Kind, int In, int Out, int Size, int Stride)[] shapes =
            [("dw", 32, 32, 112, 1), ("dw", 64, 64, 112, 2), ("dw", 512, 512, 14, 1),
             ("pw", 32, 64, 112, 1), ("pw", 512, 1024, 7, 1), ("pw", 1024, 1024, 7, 1)];
        var data = new TheoryData<string, string, int, int, int, int>();
        foreach (string backend in TestBackends.Native)
            foreach (var s in shapes) data.Add(backend, s.Kind, s.In, s.Out, s.Size, s.Stride);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Shapes))]
    public void MobileNet_shape_runs_and_reports_its_implementation(string backendName, string kind, int inChannels, int outChannels, int size, int stride)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        Conv2dSpec spec = kind == "dw"
            ? Conv2dSpec.Depthwise(inChannels, 3, stride: stride, padding: 1, activation: Activation.ReLU6)
            : Conv2dSpec.Pointwise(inChannels, outChannels, activation: Activation.ReLU6);
        string shape = kind == "dw" ? $"dw 3x3 {inChannels}@{size} s{stride}" : $"pw 1x1 {inChannels}->{outChannels}@{size}";
        // Integer-valued data keeps every sum exact, so the check is equality.
        var (expected, actual, implementation) = ExactRun.Run(backend, spec, size, inChannels * 31 + size);
        output.WriteLine($"{backendName} {shape} NHWC: {implementation}");
        summary.RecordImplementation(backendName, shape, implementation);
        Assert.Equal(expected, actual);
    }
}
