using System.Numerics;
using System.Numerics.Tensors;

namespace NativeConv;

/// <summary>
/// Post-training quantization of a network of convolutions, residual adds and global average pools (MobileNet
/// v1 and v2): the float network runs over the samples on a backend, operation by operation in NHWC, and every
/// tensor's range over all samples gives its parameters (<see cref="Quantizer.Calibrate{T}"/>'s rule); each
/// convolution's weights become int8 per output channel with the bias in its input's scale.
/// </summary>
internal static class QuantizedCalibration
{
    public static QuantizedNetworkParameters Calibrate<T>(IReadOnlyList<NetworkBlock> blocks, IReadOnlyList<float[]> calibration,
        int height, int width, ConvBackend backend, TensorLayout layout, int weightBits) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentNullException.ThrowIfNull(backend);
        ConvArguments.CheckLayout(layout);
        if (blocks.Count == 0) throw new ArgumentException("a network needs at least one block", nameof(blocks));
        if (calibration.Count == 0) throw new ArgumentException("at least one calibration input is needed", nameof(calibration));
        var graph = new NetworkGraph(blocks[0].InChannels);
        int last = NetworkGraph.Input;
        foreach (NetworkBlock block in blocks) last = block.AddTo(graph, last);
        foreach (GraphOp op in graph.Ops)
            if (op is not (ConvOp or AddOp or GlobalAveragePoolOp))
                throw new NotSupportedException($"'{op.Name}' ({op.GetType().Name.Replace("Op", "")}): quantized networks run convolutions, residual adds and global average pools (MobileNet v1 and v2)");

        var input = new TensorShape(1, graph.Channels[NetworkGraph.Input], height, width);
        TensorShape[] shapes = graph.Shapes(input, TensorLayout.Nhwc, out ConvGeometry[] geometries);
        var lo = new float[graph.ValueCount];
        var hi = new float[graph.ValueCount];
        var layers = new Conv2dLayer?[graph.Ops.Count];
        try
        {
            for (int i = 0; i < graph.Ops.Count; i++)
                if (graph.Ops[i] is ConvOp conv) layers[i] = new Conv2dLayer(conv.Spec, conv.Weights, conv.Bias, backend, TensorLayout.Nhwc);
            foreach (float[] sample in calibration)
            {
                if (sample is null || sample.Length != input.Length)
                    throw new ArgumentException($"calibration inputs must hold {input.ToString(layout)} = {input.Length} values, not {sample?.Length}", nameof(calibration));
                var values = new float[graph.ValueCount][];
                values[NetworkGraph.Input] = layout == TensorLayout.Nhwc ? sample : ToNhwc(sample, input);
                for (int i = 0; i < graph.Ops.Count; i++)
                {
                    GraphOp op = graph.Ops[i];
                    var y = new float[shapes[op.Output].Length];
                    switch (op)
                    {
                        case ConvOp conv:
                            layers[i]!.Forward(values[conv.Input], y, 1, geometries[i].InHeight, geometries[i].InWidth);
                            break;
                        case AddOp add:
                            TensorPrimitives.Add(values[add.Left], values[add.Right], y);
                            break;
                        case GlobalAveragePoolOp pool:
                            Mean(values[pool.Input], y, shapes[pool.Input]);
                            break;
                    }
                    values[op.Output] = y;
                }
                for (int v = 0; v < graph.ValueCount; v++)
                {
                    float min = TensorPrimitives.Min(values[v]), max = TensorPrimitives.Max(values[v]); // NaN propagates
                    if (!float.IsFinite(min) || !float.IsFinite(max))
                        throw new ArgumentException($"calibration gives non-finite values in tensor {v} of the network", nameof(calibration));
                    lo[v] = Math.Min(lo[v], min);
                    hi[v] = Math.Max(hi[v], max);
                }
            }
        }
        finally
        {
            foreach (Conv2dLayer? layer in layers) layer?.Dispose();
        }

        QuantizationParameters P(int value) => Quantizer.FromRange<T>(lo[value], hi[value]);
        var steps = new List<GraphOp>();
        foreach (GraphOp op in graph.Ops)
            steps.Add(op switch
            {
                ConvOp c => new QuantizedConvStep(c.Name, c.Input, c.Output,
                    new QuantizedLayerDefinition(Quantizer.QuantizeWeights(c.Spec, c.Weights, c.Bias, P(c.Input).Scale, weightBits), P(c.Input), P(c.Output))),
                AddOp a => new QuantizedAddStep(a.Name, a.Left, a.Right, a.Output, P(a.Left), P(a.Right), P(a.Output)),
                GlobalAveragePoolOp g => new QuantizedPoolStep(g.Name, g.Input, g.Output, P(g.Input), P(g.Output)),
                _ => throw new InvalidOperationException($"unexpected operation {op}"),
            });
        return new QuantizedNetworkParameters(steps, graph.Channels, P(NetworkGraph.Input), P(graph.Output));
    }

    private static void Mean(float[] x, float[] y, TensorShape shape)
    {
        int c = shape.Channels, pixels = shape.Height * shape.Width;
        for (int p = 0; p < pixels; p++) TensorPrimitives.Add(x.AsSpan(p * c, c), y, y);
        TensorPrimitives.Multiply(y, 1f / pixels, y);
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
