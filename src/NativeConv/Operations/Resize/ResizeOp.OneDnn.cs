using NativeConv.Interop.OneDnn;
using static NativeConv.Interop.OneDnn.Dnnl;

namespace NativeConv;

internal sealed partial class ResizeOp : IOneDnnOperation
{
    /// <summary>
    /// Null: the managed pass, which measured faster than oneDNN's resampling on 2 threads (ResizeMeasurement, in
    /// tests/NativeConv.Benchmarks); <see cref="CreateOneDnnKernel"/> keeps the primitive there to measure again.
    /// </summary>
    public OpKernel? LowerOneDnn(OneDnnBackend backend) => null;

    /// <summary>
    /// oneDNN's resampling primitive, NHWC. Its coordinates are half-pixel (cpu/resampling_utils.hpp): linear is
    /// HalfPixel, and PytorchHalfPixel where no output axis is 1; nearest picks ⌊fl32((d + ½)·in / out)⌋, which a shape
    /// runs on only where that picks, on both axes, the pixels this spec's rounding does. Other shapes run managed.
    /// </summary>
    internal OpKernel CreateOneDnnKernel(OneDnnBackend backend) => new OneDnnKernel(this, backend);

    /// <summary>Whether oneDNN computes this spec for these shapes (else the managed step runs them).</summary>
    internal bool OneDnnMatches(OpShapes shapes)
    {
        (ResizeAxis rows, ResizeAxis columns) = Axes(shapes);
        if (Spec.Mode == ResizeMode.Bilinear)
            return Spec.Coordinates == ResizeCoordinates.HalfPixel || (Spec.Coordinates == ResizeCoordinates.PytorchHalfPixel && rows.Output > 1 && columns.Output > 1);
        return OneDnnPicksAsWe(rows) && OneDnnPicksAsWe(columns);
    }

    /// <summary>oneDNN's nearest index (resampling_utils' nearest_idx: roundf((d + ½)·in/out − ½) in float32) against ours, for every output.</summary>
    private bool OneDnnPicksAsWe(ResizeAxis axis)
    {
        for (int d = 0; d < axis.Output; d++)
        {
            float x = (d + 0.5f) * axis.Input / axis.Output - 0.5f;
            if ((int)MathF.Round(x, MidpointRounding.AwayFromZero) != axis.Nearest(d, Spec.Rounding)) return false;
        }
        return true;
    }

    private sealed class OneDnnKernel(ResizeOp resize, OneDnnBackend backend) : OpKernel
    {
        private readonly HandleLease _engine = new(backend.Engine);

        public override string Library => backend.Name;

        public override OpStep Instantiate(GraphOp op, OpShapes shapes) =>
            resize.OneDnnMatches(shapes) ? new OneDnnStep(resize, shapes, backend) : resize.ManagedStep(shapes, "; managed: oneDNN's half-pixel resampling differs here");

        public override void Dispose() => _engine.Dispose();
    }

    /// <summary>The primitive for one shape, memory objects to which each call attaches its buffers, and a stream.</summary>
    private sealed unsafe class OneDnnStep : OpStep
    {
        private readonly int _threads;
        private readonly OneDnnStreamHandle _stream = null!;
        private readonly OneDnnPrimitiveHandle _primitive = null!;
        private readonly OneDnnMemoryHandle _source = null!;
        private readonly OneDnnMemoryHandle _destination = null!;

        public OneDnnStep(ResizeOp op, OpShapes shapes, OneDnnBackend backend) : base(op, shapes)
        {
            _threads = backend.Threads;
            TensorShape s = shapes.Input, o = shapes.Output;
            string context = $"'{op.Name}' ({op.Definition}) {s} -> {o}";
            dnnl_engine_t engine = backend.Engine.Value;
            try
            {
                OpenMpThreads.Use(_threads); // oneDNN fixes the thread count when it creates the primitive
                dnnl_stream_t stream;
                ThrowIfFailed(dnnl_stream_create(&stream, engine, (uint)dnnl_stream_flags_t.dnnl_stream_default_flags), nameof(dnnl_stream_create), context);
                _stream = new OneDnnStreamHandle(stream);
                using var source = OneDnnMemory.Desc([s.Batch, s.Channels, s.Height, s.Width], dnnl_format_tag_t.dnnl_nhwc);
                using var destination = OneDnnMemory.Desc([o.Batch, o.Channels, o.Height, o.Width], dnnl_format_tag_t.dnnl_nhwc);
                dnnl_alg_kind_t algorithm = op.Spec.Mode == ResizeMode.Nearest ? dnnl_alg_kind_t.dnnl_resampling_nearest : dnnl_alg_kind_t.dnnl_resampling_linear;
                dnnl_primitive_desc_t pd;
                ThrowIfFailed(dnnl_resampling_forward_primitive_desc_create(&pd, engine, dnnl_prop_kind_t.dnnl_forward_inference, algorithm, null,
                    source.Value, destination.Value, default), nameof(dnnl_resampling_forward_primitive_desc_create), context);
                using var pdHandle = new OneDnnPrimitiveDescHandle(pd);
                Implementation = OneDnnImplementationName.Of(pd, context);
                dnnl_primitive_t primitive;
                ThrowIfFailed(dnnl_primitive_create(&primitive, pd), nameof(dnnl_primitive_create), context);
                _primitive = new OneDnnPrimitiveHandle(primitive);
                _source = OneDnnMemory.Unattached(engine, source.Value, "src " + context);
                _destination = OneDnnMemory.Unattached(engine, destination.Value, "dst " + context);
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public override string Implementation { get; } = "";

        public override void Run(float** values)
        {
            OpenMpThreads.Use(_threads);
            ThrowIfFailed(dnnl_memory_set_data_handle(_source.Value, values[Inputs[0]]), nameof(dnnl_memory_set_data_handle), "resampling src");
            ThrowIfFailed(dnnl_memory_set_data_handle(_destination.Value, values[Outputs[0]]), nameof(dnnl_memory_set_data_handle), "resampling dst");
            dnnl_exec_arg_t* args = stackalloc dnnl_exec_arg_t[2];
            args[0] = new dnnl_exec_arg_t { arg = DNNL_ARG_SRC, memory = _source.Value };
            args[1] = new dnnl_exec_arg_t { arg = DNNL_ARG_DST, memory = _destination.Value };
            ThrowIfFailed(dnnl_primitive_execute(_primitive.Value, _stream.Value, 2, args), nameof(dnnl_primitive_execute), Implementation);
            ThrowIfFailed(dnnl_stream_wait(_stream.Value), nameof(dnnl_stream_wait));
        }

        public override void Dispose()
        {
            _source?.Dispose();
            _destination?.Dispose();
            _primitive?.Dispose();
            _stream?.Dispose();
        }
    }
}
