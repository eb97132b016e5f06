using Xunit;

namespace NativeConv.Onnx.Tests;

/// <summary>
/// <see cref="OnnxModel"/>'s calls: symbolic dimensions bound per call (several shapes on one model), fixed ones checked,
/// inputs and outputs by name with every misuse refused naming it, auto planning with a plan directory a second model
/// follows.
/// </summary>
public class OnnxModelTests
{
    private static float[] Seeded(int n) => Enumerable.Range(0, n).Select(i => (float)Math.Sin(0.37 * i)).ToArray();

    [Fact]
    public void Symbolic_dimensions_are_bound_by_each_call()
    {
        using OnnxModel model = ModelCheck.Load(MappingCases.All.Single(c => c.Name == "residual-add-relu").Build(), ReferenceBackend.BackendName, TensorLayout.Nchw);
        Assert.Equal("N", model.Inputs[0].Dimensions[0].Symbol);
        foreach (int[] shape in new[] { new[] { 1, 4, 5, 6 }, [3, 4, 2, 9], [2, 4, 7, 1] })
        {
            OnnxTensor y = model.Run(new Dictionary<string, OnnxTensor> { ["x"] = new(Seeded(shape.Aggregate(1, (a, b) => a * b)), shape) })["y"];
            Assert.Equal(shape, y.Shape);
            Assert.Equal(shape, model.OutputShape(shape));
        }
    }

    [Fact]
    public void Fixed_dimensions_are_checked_at_each_call()
    {
        using OnnxModel model = SmallModels.Load(SmallModels.Classifier().Bytes()); // x: [N, 2, 5, 5]
        var e = Assert.Throws<ArgumentException>(() => model.Run(new Dictionary<string, OnnxTensor> { ["x"] = new(new float[2 * 6 * 5], [1, 2, 6, 5]) }));
        Assert.Contains("fixes H = 5", e.Message);
        Assert.Contains("x: float32[N, 2, 5, 5]", e.Message);
    }

    [Fact]
    public void Inputs_and_outputs_go_by_name_and_misuse_is_named()
    {
        using OnnxModel model = ModelCheck.Load(MappingCases.All.Single(c => c.Name == "two-inputs-two-outputs").Build(), ReferenceBackend.BackendName, TensorLayout.Nchw);
        var left = new OnnxTensor(Seeded(2 * 3 * 4 * 3), [2, 3, 4, 3]);
        var right = new OnnxTensor(Seeded(2 * 2 * 4 * 3), [2, 2, 4, 3]);
        Assert.Contains("no value for input 'right'", Assert.Throws<ArgumentException>(() => model.Run(new Dictionary<string, OnnxTensor> { ["left"] = left })).Message);
        Assert.Contains("the model has no input 'middle' (inputs: left, right)", Assert.Throws<ArgumentException>(() =>
            model.Run(new Dictionary<string, OnnxTensor> { ["left"] = left, ["right"] = right, ["middle"] = left })).Message);
        Assert.Contains("2 inputs (left, right): call Run", Assert.Throws<InvalidOperationException>(() => model.Forward(left.Data.Span, left.Shape, new float[8])).Message);
        var sum = new float[2 * 4 * 4 * 3];
        var pooled = new float[2 * 4];
        model.Run(new Dictionary<string, OnnxTensor> { ["left"] = left, ["right"] = right }, new Dictionary<string, Memory<float>> { ["sum"] = sum, ["pooled"] = pooled });
        IReadOnlyDictionary<string, OnnxTensor> allocated = model.Run(new Dictionary<string, OnnxTensor> { ["right"] = right, ["left"] = left });
        Assert.Equal(allocated["sum"].Data.ToArray(), sum);
        Assert.Equal(allocated["pooled"].Data.ToArray(), pooled);
        Assert.Contains("no buffer for output 'pooled'", Assert.Throws<ArgumentException>(() =>
            model.Run(new Dictionary<string, OnnxTensor> { ["left"] = left, ["right"] = right }, new Dictionary<string, Memory<float>> { ["sum"] = sum })).Message);
    }

    [SkippableFact]
    public void Auto_plans_the_model_and_a_second_model_follows_the_plan_directory()
    {
        foreach (string backend in TestBackends.Native) TestBackends.GetOrSkip(backend);
        string directory = Directory.CreateTempSubdirectory("nativeconv-onnx-plans-").FullName;
        try
        {
            byte[] bytes = MappingCases.All.Single(c => c.Name == "squeeze-excitation").Build().Bytes();
            var options = new OnnxModelOptions
            {
                Backends = TestBackends.All,
                Network = new NetworkOptions { PlanDirectory = directory, Candidates = TestBackends.Native, PlanningBudget = TimeSpan.FromMilliseconds(50) },
            };
            var x = new OnnxTensor(Seeded(8 * 7 * 7), [1, 8, 7, 7]);
            float[] first;
            using (OnnxModel model = OnnxModel.Load(bytes, null, options))
            {
                Assert.Equal(NetworkOptions.Auto, model.Network.BackendName);
                first = model.Run(new Dictionary<string, OnnxTensor> { ["x"] = x })["y"].Data.ToArray();
                Assert.Null(model.Network.PlanFor(1, 7, 7)!.SourceFile);
            }
            string file = Assert.Single(Directory.GetFiles(directory));
            using OnnxModel again = OnnxModel.Load(bytes, null, options);
            float[] second = again.Run(new Dictionary<string, OnnxTensor> { ["x"] = x })["y"].Data.ToArray();
            Assert.Equal(file, again.Network.PlanFor(1, 7, 7)!.SourceFile);
            Assert.Equal(first, second); // the same plan, the same kernels
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public static TheoryData<string> NativeBackends() => new(TestBackends.Native);

    /// <summary>Forward on a warm shape allocates nothing on the calling thread (the shape checks read the file's dimensions in place).</summary>
    [SkippableTheory]
    [MemberData(nameof(NativeBackends))]
    public void A_warm_Forward_allocates_nothing(string backend)
    {
        TestBackends.GetOrSkip(backend);
        using OnnxModel model = ModelCheck.Load(MappingCases.All.Single(c => c.Name == "squeeze-excitation").Build(), backend, TensorLayout.Nhwc);
        int[] shape = [1, 7, 7, 8];
        float[] x = Seeded(8 * 7 * 7), y = new float[8 * 7 * 7];
        for (int i = 0; i < 3; i++) model.Forward(x, shape, y);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) model.Forward(x, shape, y);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
