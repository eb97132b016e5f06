using Xunit;

namespace NativeConv.Onnx.Tests;

/// <summary>
/// Runs a model through <see cref="OnnxModel"/> on a backend and layout and checks every output against the
/// independent double evaluation of the ONNX graph (<see cref="OnnxEvaluator"/>): within the lowered graph's rigorous
/// derived bound (<see cref="NetworkEvaluation"/>, with the term for weights the lowering rounded once: folded
/// BatchNorms, Gemm's alpha and beta, a division's reciprocal). The lowered graph's own double evaluation must agree
/// with the ONNX graph within the same bound: the lowering computes the model's function.
/// </summary>
internal static class ModelCheck
{
    /// <summary>Seeded inputs in [-1, 1), NCHW.</summary>
    public static Dictionary<string, DoubleTensor> Inputs(IReadOnlyDictionary<string, long[]> shapes, int seed = 3)
    {
        var random = new Random(seed);
        return shapes.ToDictionary(p => p.Key, p => DoubleTensor.Of(Enumerable.Range(0, (int)p.Value.Aggregate(1L, (a, b) => a * b))
            .Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray(), p.Value));
    }

    public static OnnxModel Load(ModelBuilder model, string backend, TensorLayout layout) =>
        OnnxModel.Load(model.Bytes(), null, new OnnxModelOptions { Backends = TestBackends.All, Network = new NetworkOptions { Backend = backend, Layout = layout } });

    /// <returns>The largest |ours − ONNX| / bound over the outputs.</returns>
    public static double Check(ModelBuilder builder, string backend, TensorLayout layout, IReadOnlyDictionary<string, long[]> shapes)
    {
        TestBackends.GetOrSkip(backend);
        using OnnxModel model = Load(builder, backend, layout);
        Dictionary<string, DoubleTensor> inputs = Inputs(shapes);
        var given = new Dictionary<string, OnnxTensor>();
        var references = new List<ReferenceTensor>();
        foreach (GraphTensor input in model.Graph.Inputs)
        {
            DoubleTensor x = inputs[input.Name];
            var shape = new TensorShape((int)x.Dims[0], (int)x.Dims[1], (int)x.Dims[2], (int)x.Dims[3]);
            float[] nchw = x.Values.Select(v => (float)v).ToArray();
            ReferenceTensor exact = ReferenceTensor.Exact(nchw, shape, TensorLayout.Nchw);
            float[] data = layout == TensorLayout.Nchw ? nchw : exact.Value.Select(v => (float)v).ToArray(); // NHWC order
            given[input.Name] = new OnnxTensor(data, layout == TensorLayout.Nchw ? [shape.Batch, shape.Channels, shape.Height, shape.Width] : [shape.Batch, shape.Height, shape.Width, shape.Channels]);
            references.Add(exact);
        }
        IReadOnlyDictionary<string, OnnxTensor> ours = model.Run(given);
        Dictionary<string, DoubleTensor> onnx = OnnxEvaluator.Run(builder.Model, inputs);
        ReferenceTensor[] expected = NetworkEvaluation.Run(model.Graph, references, foldedFromBatchNorm: true);
        double worst = 0;
        for (int k = 0; k < model.Outputs.Count; k++)
        {
            string name = model.Outputs[k].Name;
            ReferenceTensor e = expected[k];
            float[] y = ours[name].Data.ToArray();
            DoubleTensor truth = onnx[name];
            Assert.Equal(truth.Count, y.Length);
            Assert.Equal(truth.Dims.Select(d => (int)d).ToArray(), ToNchw(ours[name].Shape, layout));
            for (int i = 0; i < e.Value.Length; i++)
            {
                double t = truth.Values[e.IndexIn(TensorLayout.Nchw, i)], ourValue = y[e.IndexIn(layout, i)];
                double error = Math.Abs(ourValue - t), bound = e.Bound[i];
                Assert.True(Math.Abs(e.Value[i] - t) <= bound, $"'{name}' element {i}: the lowered graph's double evaluation {e.Value[i]} is {Math.Abs(e.Value[i] - t):e3} from the ONNX graph's {t} (bound {bound:e3})");
                Assert.True(error <= bound, $"'{name}' element {i} on {backend} {layout}: ours {ourValue}, ONNX {t}, |error| {error:e3} > bound {bound:e3}");
                if (bound > 0) worst = Math.Max(worst, error / bound);
            }
            Assert.Contains(y, v => v != 0);
        }
        return worst;
    }

    private static int[] ToNchw(int[] shape, TensorLayout layout) => shape.Length == 4 && layout == TensorLayout.Nhwc ? [shape[0], shape[3], shape[1], shape[2]] : shape;
}
