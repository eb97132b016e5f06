using System.Collections.Concurrent;
using NativeConv.Npy;
using Xunit;

namespace NativeConv.Onnx.Tests;

/// <summary>
/// What any float32 run of a zoo export is checked against: PyTorch's float64 output (output_hi + output_lo) and, element
/// by element, the first-order bound of the imported graph's evaluation (<see cref="NetworkEvaluation"/>: RelativeBudget ·
/// Magnitude, the accumulation lengths along the network). The exporter folded each BatchNorm into its convolution in
/// float32: var + eps, its square root, scale / root and w · scale round each weight up to 4 times, so every product may
/// be off by 4u of |w·x| more (the product-rounding term), and each folded value once more from its rounded factors (the
/// folding term). The bound belongs to the file, not to who runs it: NativeConv and ONNX Runtime are held to the same one.
/// </summary>
internal sealed class ZooReference
{
    /// <summary>What torch's float32 folding adds to each product: 4 roundings of the weight.</summary>
    private const double ExportFolding = 4 * NetworkEvaluation.U;

    private readonly string _name;
    private readonly ReferenceTensor _evaluation;
    private readonly double[] _torch; // PyTorch's float64 output, NCHW (or (N, C)) order

    private ZooReference(string name, ReferenceTensor evaluation, double[] torch, int[] shape, NpyArray input)
    {
        _name = name;
        _evaluation = evaluation;
        _torch = torch;
        Shape = shape;
        Input = input;
    }

    /// <summary>PyTorch's output shape: (N, C) logits or an (N, C, H, W) map.</summary>
    public int[] Shape { get; }

    /// <summary>The input PyTorch ran, NCHW.</summary>
    public NpyArray Input { get; }

    /// <summary>Per export directory: the import, and so the graph evaluated, depends on the file only (not on the backend or layout it runs on).</summary>
    private static readonly ConcurrentDictionary<string, Lazy<ZooReference>> Made = new();

    /// <summary>
    /// The reference for the export in <paramref name="dir"/> as <paramref name="model"/> imported it (evaluated once per
    /// export); the imported graph's own double evaluation must agree with PyTorch's double model within the same bound
    /// (the import computes the model).
    /// </summary>
    public static ZooReference Of(string name, string dir, OnnxModel model) =>
        Made.GetOrAdd(dir, _ => new(() => Evaluate(name, dir, model))).Value;

    private static ZooReference Evaluate(string name, string dir, OnnxModel model)
    {
        NpyArray nchw = NpyFile.Read(Path.Combine(dir, "input.npy"));
        NpyArray hi = NpyFile.Read(Path.Combine(dir, "output_hi.npy")), lo = NpyFile.Read(Path.Combine(dir, "output_lo.npy"));
        var shape = new TensorShape(nchw.Shape[0], nchw.Shape[1], nchw.Shape[2], nchw.Shape[3]);
        ReferenceTensor evaluation = NetworkEvaluation.Run(model.Graph, [ReferenceTensor.Exact(nchw.Data, shape, TensorLayout.Nchw)],
            foldedFromBatchNorm: true, productRounding: ExportFolding)[0];
        double[] torch = hi.Data.Zip(lo.Data, (h, l) => (double)h + l).ToArray();
        var reference = new ZooReference(name, evaluation, torch, hi.Shape, nchw);
        reference.Worst("the imported graph's double evaluation", i => evaluation.Value[i]);
        return reference;
    }

    /// <summary>Asserts every element of <paramref name="y"/> (in <paramref name="layout"/>) within the bound of PyTorch's.</summary>
    /// <returns>The largest |y − torch| / bound.</returns>
    public double Check(float[] y, TensorLayout layout, string who)
    {
        Assert.Equal(_torch.Length, y.Length);
        Assert.Contains(y, v => v != 0);
        return Worst($"{who} {layout}", i => y[_evaluation.IndexIn(layout, i)]);
    }

    /// <summary>
    /// Asserts two runs, each already within the bound of PyTorch's output, within the sum of their bounds of each other
    /// (<paramref name="a"/> in <paramref name="layoutA"/>, <paramref name="b"/> NCHW).
    /// </summary>
    /// <returns>The largest |a − b| / (2 · bound).</returns>
    public double CheckAgreement(float[] a, TensorLayout layoutA, float[] b, string who)
    {
        Assert.Equal(a.Length, b.Length);
        double worst = 0;
        for (int i = 0; i < _evaluation.Value.Length; i++)
        {
            int at = _evaluation.IndexIn(TensorLayout.Nchw, i);
            double x = a[_evaluation.IndexIn(layoutA, i)], bound = 2 * Bound(i), error = Math.Abs(x - b[at]);
            Assert.True(error <= bound, $"{_name}, {who}: element {at}: {x} and {b[at]}, |difference| {error:e3} > the sum of their bounds {bound:e3}");
            if (bound > 0) worst = Math.Max(worst, error / bound);
        }
        return worst;
    }

    private double Bound(int i) => _evaluation.RelativeBudget * _evaluation.Magnitude[i];

    /// <summary>The largest |value(i) − torch| / bound, every element asserted within its bound (i: the evaluation's NHWC order).</summary>
    private double Worst(string who, Func<int, double> value)
    {
        double worst = 0;
        for (int i = 0; i < _evaluation.Value.Length; i++)
        {
            int at = _evaluation.IndexIn(TensorLayout.Nchw, i);
            double v = value(i), torch = _torch[at], bound = Bound(i), error = Math.Abs(v - torch);
            Assert.True(error <= bound, $"{_name}, {who}: element {at}: {v}, torch {torch}, |error| {error:e3} > bound {bound:e3}");
            if (bound > 0) worst = Math.Max(worst, error / bound);
        }
        return worst;
    }
}
