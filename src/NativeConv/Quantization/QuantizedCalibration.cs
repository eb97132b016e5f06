using System.Numerics;
using System.Numerics.Tensors;

namespace NativeConv;

/// <summary>
/// Post-training quantization of a network whose operations have quantized forms (<see cref="IQuantizedOperation"/>:
/// convolutions, residual adds and global average pools, as MobileNet v1 and v2 have): the float network runs over the
/// samples on a backend, operation by operation in NHWC with every value kept, each operation's own kernel on that
/// backend, and every value's range over all samples gives its parameters (<see cref="Quantizer.Calibrate{T}"/>'s rule);
/// each convolution's weights become int8 per output channel with the bias in its input's scale.
/// </summary>
internal static class QuantizedCalibration
{
    public static unsafe QuantizedNetworkParameters Calibrate<T>(NetworkGraph graph, IReadOnlyList<float[]> calibration,
        int height, int width, ConvBackend backend, TensorLayout layout, int weightBits) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentNullException.ThrowIfNull(backend);
        ConvArguments.CheckLayout(layout);
        if (calibration.Count == 0) throw new ArgumentException("at least one calibration input is needed", nameof(calibration));
        if (graph.Inputs.Count != 1 || graph.Outputs.Count != 1)
            throw new NotSupportedException($"quantized networks have one input and one output, not {graph.Inputs.Count} and {graph.Outputs.Count}");
        // Every operation without a quantized form, in one error.
        string[] refused = graph.Ops.Select(op => op is IQuantizedOperation quantized
                ? quantized.Refusal is { } why ? $"'{op.Name}' ({op.Definition}): {why}" : null
                : $"'{op.Name}' ({op.Definition}): quantized networks run convolutions, residual adds and global average pools (MobileNet v1 and v2)")
            .OfType<string>().ToArray();
        if (refused.Length > 0) throw new NotSupportedException(string.Join("; ", refused));

        var input = new TensorShape(1, graph.Inputs[0].Channels, height, width);
        TensorShape[] shapes = graph.Shapes([input], TensorLayout.Nhwc);
        var lo = new float[graph.ValueCount];
        var hi = new float[graph.ValueCount];
        using var kernels = new KernelCache(ConvPrecision.Float32, new bool[graph.ValueCount]);
        var steps = new OpStep[graph.Ops.Count];
        var values = new NativeFloatBuffer[graph.ValueCount];
        try
        {
            for (int v = 0; v < values.Length; v++) values[v] = new NativeFloatBuffer(shapes[v].Length); // every value kept: each one's range counts
            for (int i = 0; i < steps.Length; i++)
            {
                GraphOp op = graph.Ops[i];
                steps[i] = kernels.For(op, backend).Instantiate(op, new OpShapes(op.Inputs.Select(v => shapes[v]).ToArray(), op.Outputs.Select(v => shapes[v]).ToArray()));
            }
            float** table = stackalloc float*[values.Length];
            for (int v = 0; v < values.Length; v++) table[v] = values[v].Pointer;
            foreach (float[] sample in calibration)
            {
                if (sample is null || sample.Length != input.Length)
                    throw new ArgumentException($"calibration inputs must hold {input.ToString(layout)} = {input.Length} values, not {sample?.Length}", nameof(calibration));
                (layout == TensorLayout.Nhwc ? sample : ToNhwc(sample, input)).CopyTo(new Span<float>(table[graph.Input], input.Length));
                foreach (OpStep step in steps) step.Run(table);
                for (int v = 0; v < graph.ValueCount; v++)
                {
                    var data = new ReadOnlySpan<float>(table[v], shapes[v].Length);
                    float min = TensorPrimitives.Min(data), max = TensorPrimitives.Max(data); // NaN propagates
                    if (!float.IsFinite(min) || !float.IsFinite(max))
                        throw new ArgumentException($"calibration gives non-finite values in '{graph.ValueNames[v]}'", nameof(calibration));
                    lo[v] = Math.Min(lo[v], min);
                    hi[v] = Math.Max(hi[v], max);
                }
            }
        }
        finally
        {
            foreach (OpStep? step in steps) step?.Dispose();
            foreach (NativeFloatBuffer? value in values) value?.Dispose();
        }

        QuantizationParameters[] parameters = Enumerable.Range(0, graph.ValueCount).Select(v => Quantizer.FromRange<T>(lo[v], hi[v])).ToArray();
        QuantizedConvWeights?[] weights = graph.Ops.Select(op => op is ConvOp c
            ? Quantizer.QuantizeWeights(c.Spec, c.Weights, c.Bias, parameters[c.Input].Scale, weightBits) : null).ToArray();
        return new QuantizedNetworkParameters(graph, parameters, weights);
    }

    private static float[] ToNhwc(float[] x, TensorShape shape)
    {
        var y = new float[x.Length];
        int hw = shape.Height * shape.Width;
        for (int c = 0; c < shape.Channels; c++)
            for (int p = 0; p < hw; p++)
                y[p * shape.Channels + c] = x[c * hw + p];
        return y;
    }
}
