using System.Numerics.Tensors;
using NativeConv.Interop.OneDnn;
using static NativeConv.Interop.OneDnn.Dnnl;

namespace NativeConv.Benchmarks;

/// <summary>
/// The one-off exhaustive measurement behind <see cref="ActivationErrors"/>: every finite float x through every
/// implementation of sigmoid, SiLU, GELU and tanh this library runs (the managed pass, XNNPACK's operators, oneDNN's
/// eltwise JIT kernel, which its convolutions' post-ops share, and oneDNN's reference kernel, which its reference
/// convolutions' post-ops share), against <see cref="Activation.Apply"/> in double. Per implementation it reports
/// k = max |f̂ − f| / (u·|f|) over exact results of at least 2⁻¹⁰⁰ (for GELU over x ≥ 0 only), for GELU
/// c = max |f̂ − f| / (u·|x|) over x ≤ −2⁻¹⁰⁰ (where 1 + erf cancels, and its tail is flushed to zero), a = the largest
/// error among the other exact results below 2⁻¹⁰⁰ (where kernels flush to zero, some already below 2⁻¹²⁵), and the range
/// of finite inputs with a non-finite result. Other CPU paths: run again under
/// DNNL_MAX_CPU_ISA=AVX2 and DOTNET_EnableAVX512=0.
/// <code>dotnet run -c Release -- --activation-errors [sigmoid|silu|gelu|tanh ...]</code>
/// </summary>
internal static unsafe class ActivationErrorMeasurement
{
    private const int Chunk = 1 << 22;
    private const double U = 1.0 / (1 << 24);
    private static readonly double Tiny = Math.ScaleB(1.0, -100); // below this, an error counts as absolute

    private sealed class Stats(string name)
    {
        public string Name { get; } = name;
        public double Relative, RelativeAt, OfInput, OfInputAt, Tiny, TinyAt;
        public long NonFinite;
        public float NonFiniteLow = float.PositiveInfinity, NonFiniteHigh; // |x| range of those inputs

        public void Merge(Stats o)
        {
            if (o.Relative > Relative) (Relative, RelativeAt) = (o.Relative, o.RelativeAt);
            if (o.OfInput > OfInput) (OfInput, OfInputAt) = (o.OfInput, o.OfInputAt);
            if (o.Tiny > Tiny) (Tiny, TinyAt) = (o.Tiny, o.TinyAt);
            NonFiniteLow = Math.Min(NonFiniteLow, o.NonFiniteLow);
            NonFiniteHigh = Math.Max(NonFiniteHigh, o.NonFiniteHigh);
            NonFinite += o.NonFinite;
        }
    }

    public static void Run(string[] kinds)
    {
        using var onednn = new OneDnnBackend(threads: 2);
        using var xnnpack = new XnnpackBackend(threads: 2);
        Console.WriteLine($"oneDNN ISA {OneDnnBackend.CpuIsa}; Vector512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}; Vector<float> {System.Numerics.Vector<float>.Count} lanes");
        foreach (string name in kinds.Length > 0 ? kinds : ["sigmoid", "silu", "gelu", "tanh"])
        {
            Activation activation = name switch
            {
                "sigmoid" => Activation.Sigmoid, "silu" => Activation.SiLU, "gelu" => Activation.GELU, "tanh" => Activation.Tanh,
                _ => throw new ArgumentException($"unknown activation '{name}'"),
            };
            Measure(activation, onednn, xnnpack);
        }
    }

    private static void Measure(Activation activation, OneDnnBackend onednn, XnnpackBackend xnnpack)
    {
        bool gelu = activation.Kind == ActivationKind.GELU;
        using var x = new NativeFloatBuffer(Chunk);
        using var y = new NativeFloatBuffer(Chunk);
        using var strided = new NativeFloatBuffer(2 * Chunk);
        var exact = new double[Chunk];
        using var xnn = new XnnpackActivationPass(activation, Chunk, xnnpack.Pool!.Value);
        using var jit = new OneDnnEltwisePass(onednn.Engine, onednn.Threads, activation, Chunk);
        using var reference = new StridedEltwise(onednn, activation, Chunk);
        var implementations = new List<(string Name, Action Run)>
        {
            ($"managed ({ManagedActivation.Describe(activation)})", () => ManagedActivation.Apply(activation, x.Pointer, y.Pointer, Chunk)),
            (xnn.Implementation, () => xnn.Run(x.Pointer, y.Pointer)),
            ($"onednn {jit.Implementation}", () => jit.Run(x.Pointer, y.Pointer)),
            ($"onednn {reference.Implementation}", () => reference.Run(x.Pointer, y.Pointer, strided.Pointer)),
        };
        if (activation.Kind == ActivationKind.Tanh)
            implementations.Add(("TensorPrimitives.Tanh (not used)", () => TensorPrimitives.Tanh(new ReadOnlySpan<float>(x.Pointer, Chunk), new Span<float>(y.Pointer, Chunk))));
        var totals = implementations.Select(i => new Stats(i.Name)).ToArray();
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (long first = 0; first < 1L << 32; first += Chunk)
        {
            for (int i = 0; i < Chunk; i++)
            {
                float v = BitConverter.UInt32BitsToSingle((uint)(first + i));
                x.Pointer[i] = float.IsFinite(v) ? v : 0f; // infinities and NaN are the special-value tests' business
            }
            float* xs = x.Pointer;
            Parallel.For(0, 64, block =>
            {
                for (int i = block * (Chunk / 64); i < (block + 1) * (Chunk / 64); i++) exact[i] = activation.Apply(xs[i]);
            });
            for (int k = 0; k < implementations.Count; k++)
            {
                implementations[k].Run();
                totals[k].Merge(Compare(x.Pointer, y.Pointer, exact, gelu, totals[k].Name));
            }
        }
        Console.WriteLine($"{activation} ({started.Elapsed.TotalSeconds:F0} s):");
        foreach (Stats s in totals)
            Console.WriteLine($"  {s.Name,-60} k {s.Relative,8:F3} (x = {s.RelativeAt:G9})" + (gelu ? $"  c {s.OfInput,8:F3} (x = {s.OfInputAt:G9})" : "")
                + $"  a {s.Tiny:e3} (x = {s.TinyAt:G9})  non-finite {s.NonFinite}" + (s.NonFinite > 0 ? $" (|x| in [{s.NonFiniteLow:G9}, {s.NonFiniteHigh:G9}])" : ""));
    }

    private static Stats Compare(float* x, float* y, double[] exact, bool gelu, string name)
    {
        var blocks = new Stats[64];
        Parallel.For(0, blocks.Length, b =>
        {
            var s = new Stats(name);
            for (int i = b * (Chunk / 64); i < (b + 1) * (Chunk / 64); i++)
            {
                double f = exact[i], e = Math.Abs(y[i] - f);
                if (!double.IsFinite(f)) continue; // no finite input gives these
                if (!float.IsFinite(y[i]))
                {
                    s.NonFinite++;
                    s.NonFiniteLow = Math.Min(s.NonFiniteLow, Math.Abs(x[i]));
                    s.NonFiniteHigh = Math.Max(s.NonFiniteHigh, Math.Abs(x[i]));
                    continue;
                }
                if (gelu && x[i] <= -Tiny) // the negative side, its tail flushed to zero included
                {
                    if (e / (U * -x[i]) > s.OfInput) (s.OfInput, s.OfInputAt) = (e / (U * -x[i]), x[i]);
                }
                else if (Math.Abs(f) < Tiny)
                {
                    if (e > s.Tiny) (s.Tiny, s.TinyAt) = (e, x[i]);
                }
                else
                {
                    if (e / (U * Math.Abs(f)) > s.Relative) (s.Relative, s.RelativeAt) = (e / (U * Math.Abs(f)), x[i]);
                }
            }
            blocks[b] = s;
        });
        var total = new Stats(name);
        foreach (Stats s in blocks) total.Merge(s);
        return total;
    }

    /// <summary>oneDNN's eltwise on a strided (not dense) source and destination, which its JIT kernel declines: its reference kernel.</summary>
    private sealed class StridedEltwise : IDisposable
    {
        private readonly OneDnnStreamHandle _stream;
        private readonly OneDnnPrimitiveHandle[] _primitives;
        private readonly OneDnnMemoryHandle _memory;
        private readonly int _length;
        private readonly int _threads;

        public StridedEltwise(OneDnnBackend backend, Activation activation, int length)
        {
            _length = length;
            _threads = backend.Threads;
            OpenMpThreads.Use(_threads);
            dnnl_stream_t stream;
            ThrowIfFailed(dnnl_stream_create(&stream, backend.Engine.Value, (uint)dnnl_stream_flags_t.dnnl_stream_default_flags), nameof(dnnl_stream_create));
            _stream = new OneDnnStreamHandle(stream);
            long dims = length, strides = 2;
            dnnl_memory_desc_t md;
            ThrowIfFailed(dnnl_memory_desc_create_with_strides(&md, 1, &dims, dnnl_data_type_t.dnnl_f32, &strides), nameof(dnnl_memory_desc_create_with_strides));
            using var mdHandle = new OneDnnMemoryDescHandle(md);
            var algorithms = OneDnnActivations.PostOps(activation);
            _primitives = new OneDnnPrimitiveHandle[algorithms.Length];
            var names = new List<string>();
            for (int k = 0; k < algorithms.Length; k++)
            {
                dnnl_primitive_desc_t pd;
                ThrowIfFailed(dnnl_eltwise_forward_primitive_desc_create(&pd, backend.Engine.Value, dnnl_prop_kind_t.dnnl_forward_inference,
                    algorithms[k].Algorithm, md, md, algorithms[k].Alpha, algorithms[k].Beta, default), nameof(dnnl_eltwise_forward_primitive_desc_create));
                using var pdHandle = new OneDnnPrimitiveDescHandle(pd);
                names.Add(OneDnnImplementationName.Of(pd, "strided eltwise"));
                dnnl_primitive_t p;
                ThrowIfFailed(dnnl_primitive_create(&p, pd), nameof(dnnl_primitive_create));
                _primitives[k] = new OneDnnPrimitiveHandle(p);
            }
            _memory = OneDnnMemory.Unattached(backend.Engine.Value, md, "strided eltwise");
            Implementation = $"strided eltwise ({string.Join(", ", names.Distinct())})";
        }

        public string Implementation { get; }

        public void Run(float* x, float* y, float* scratch)
        {
            for (int i = 0; i < _length; i++) scratch[2 * i] = x[i];
            OpenMpThreads.Use(_threads);
            ThrowIfFailed(dnnl_memory_set_data_handle(_memory.Value, scratch), nameof(dnnl_memory_set_data_handle));
            dnnl_exec_arg_t* args = stackalloc dnnl_exec_arg_t[2];
            foreach (OneDnnPrimitiveHandle p in _primitives)
            {
                args[0] = new dnnl_exec_arg_t { arg = DNNL_ARG_SRC, memory = _memory.Value };
                args[1] = new dnnl_exec_arg_t { arg = DNNL_ARG_DST, memory = _memory.Value };
                ThrowIfFailed(dnnl_primitive_execute(p.Value, _stream.Value, 2, args), nameof(dnnl_primitive_execute));
            }
            ThrowIfFailed(dnnl_stream_wait(_stream.Value), nameof(dnnl_stream_wait));
            for (int i = 0; i < _length; i++) y[i] = scratch[2 * i];
        }

        public void Dispose()
        {
            foreach (OneDnnPrimitiveHandle p in _primitives) p.Dispose();
            _memory.Dispose();
            _stream.Dispose();
        }
    }
}
