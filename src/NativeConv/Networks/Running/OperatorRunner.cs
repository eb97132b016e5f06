using System.Diagnostics;

namespace NativeConv;

/// <summary>
/// Runs a network operation by operation on one backend: each convolution is a kernel made once
/// through the checked seam, in NHWC (the layout both native libraries run natively), and the small
/// operations are <see cref="NhwcOps"/>. Values stay NHWC between operations: an NCHW caller's data is
/// transposed once on the way in and once on the way out, never per layer.
/// </summary>
internal sealed unsafe class OperatorRunner : IDisposable
{
    private readonly NetworkGraph _graph;
    private readonly GraphOp[] _ops;
    private readonly ConvKernel?[] _kernels;

    public OperatorRunner(NetworkGraph graph, ConvBackend backend)
    {
        _graph = graph;
        _ops = graph.Ops.ToArray();
        _kernels = new ConvKernel?[graph.Ops.Count];
        try
        {
            for (int i = 0; i < graph.Ops.Count; i++)
                if (graph.Ops[i] is ConvOp conv)
                    _kernels[i] = backend.Create(conv.Spec, TensorLayout.Nhwc, conv.Weights, conv.Bias);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>What runs each operation (after a call, with the implementations that ran).</summary>
    public IEnumerable<string> Describe()
    {
        for (int i = 0; i < _graph.Ops.Count; i++)
        {
            GraphOp op = _graph.Ops[i];
            yield return op switch
            {
                ConvOp conv => $"{op.Name}: {conv.Spec} -> {_kernels[i]!.ImplementationName}",
                _ => $"{op.Name}: {op.GetType().Name.Replace("Op", "", StringComparison.Ordinal)} -> managed (TensorPrimitives)",
            };
        }
    }

    /// <summary>
    /// Runs the plan on the caller's buffers, pinned by the caller for the call. With
    /// <paramref name="ticks"/> (one slot per operation, plus the two layout transposes at the end), adds
    /// each step's elapsed Stopwatch ticks there: a profile, never on the normal path.
    /// </summary>
    public void Run(ShapePlan plan, TensorLayout layout, float* input, float* output, long[]? ticks = null)
    {
        long mark = ticks is null ? 0 : Stopwatch.GetTimestamp();
        int count = _graph.ValueCount;
        float** values = stackalloc float*[count];
        for (int v = 0; v < count; v++)
        {
            int s = plan.Storage[v];
            values[v] = s == ValueStorage.CallerInput ? input : s == ValueStorage.CallerOutput ? output : plan.Buffers[s].Pointer;
        }
        if (layout == TensorLayout.Nchw)
        {
            TensorShape x = plan.Input;
            NhwcOps.Transpose(input, values[NetworkGraph.Input], x.Batch, x.Channels, x.Height * x.Width);
        }
        if (ticks is not null) Tick(ticks, _ops.Length, ref mark);
        GraphOp[] ops = _ops;
        for (int i = 0; i < ops.Length; i++)
        {
            switch (ops[i])
            {
                case ConvOp conv:
                {
                    ref readonly ConvGeometry g = ref plan.Geometries[i];
                    _kernels[i]!.Forward(g, new ReadOnlySpan<float>(values[conv.Input], g.InputLength), new Span<float>(values[conv.Output], g.OutputLength));
                    break;
                }
                case AddOp add:
                    NhwcOps.Add(values[add.Left], values[add.Right], values[add.Output], plan.Shapes[add.Output].Length);
                    break;
                case GlobalAveragePoolOp pool:
                    NhwcOps.GlobalAveragePool(values[pool.Input], values[pool.Output], plan.Shapes[pool.Input]);
                    break;
                case ChannelScaleOp scale:
                    NhwcOps.ChannelScale(values[scale.Input], values[scale.Scale], values[scale.Output], plan.Shapes[scale.Input]);
                    break;
            }
            if (ticks is not null) Tick(ticks, i, ref mark);
        }
        if (layout == TensorLayout.Nchw)
        {
            TensorShape y = plan.Output;
            NhwcOps.Transpose(values[_graph.Output], output, y.Batch, y.Height * y.Width, y.Channels);
        }
        if (ticks is not null) Tick(ticks, _ops.Length + 1, ref mark);
    }

    private static void Tick(long[] ticks, int slot, ref long mark)
    {
        long now = Stopwatch.GetTimestamp();
        ticks[slot] += now - mark;
        mark = now;
    }

    public void Dispose()
    {
        foreach (ConvKernel? kernel in _kernels) kernel?.Dispose();
    }
}
