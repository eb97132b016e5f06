using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Onnx.Tests;

/// <summary>
/// Every mapping and fusion (<see cref="MappingCases"/>) through <see cref="OnnxModel"/> on every backend under test and
/// both layouts, against the independent double evaluation of the ONNX graph within the derived bound; and the import's
/// report of what each node became.
/// </summary>
public class MappingTests(ITestOutputHelper log)
{
    public static TheoryData<string, string, TensorLayout> Rows() =>
        TestBackends.Rows(MappingCases.All.Select(c => c.Name), TestBackends.Names, TestBackends.Layouts);

    [SkippableTheory]
    [MemberData(nameof(Rows))]
    public void Model_matches_the_ONNX_graph_within_the_derived_bound(string name, string backend, TensorLayout layout)
    {
        MappingCase c = MappingCases.All.Single(m => m.Name == name);
        double worst = ModelCheck.Check(c.Build(), backend, layout, c.Shapes);
        log.WriteLine($"{name} on {backend} {layout}: largest |ours - ONNX| / bound {worst:0.000e+0}");
    }

    public static TheoryData<string> Names() => new(MappingCases.All.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void The_import_reports_what_each_node_became(string name)
    {
        MappingCase c = MappingCases.All.Single(m => m.Name == name);
        using OnnxModel model = ModelCheck.Load(c.Build(), ReferenceBackend.BackendName, TensorLayout.Nchw);
        string report = string.Join("\n", model.Lowering) + "\n" + string.Join("\n", model.Graph.Describe());
        foreach (string fragment in c.Lowered) Assert.True(report.Contains(fragment, StringComparison.Ordinal), $"'{fragment}' is not in the report:\n{report}");
        Assert.Equal(c.Build().Model.Graph.Node.Count, model.Lowering.Count);
    }
}
