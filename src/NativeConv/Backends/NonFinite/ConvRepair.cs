namespace NativeConv;

/// <summary>
/// Makes a library's convolution (or transposed convolution) exact for NaN and ±infinity inputs without slowing its
/// finite path: before the call, one vectorized scan of the input (and of a residual the kernel adds); only when it finds
/// a non-finite value, every such input is scattered to the outputs whose windows hold it, each output collecting the
/// classes of its sum (<see cref="NonFiniteRules"/>), and after the library's call exactly those outputs are overwritten
/// with the definition's value. Shape-free and shared by a kernel's users; each brings its own <see cref="RepairScratch"/>.
/// </summary>
internal sealed unsafe class ConvRepair
{
    /// <summary>A flag beside the classes: the output is non-finite through its residual alone.</summary>
    public const byte ResidualOnly = 8;

    private readonly ConvolutionSpec _spec;
    private readonly bool _transposed;
    private readonly float[] _weights; // PyTorch order: only their signs and zeros matter
    private readonly TensorLayout _input, _output;
    private readonly BFloat16Tensors _bfloat16; // a network's bfloat16 tensors: read and written as such

    private readonly Activation _afterSum; // a fused residual sum's activation, applied to act(s) + r (None: none)

    private ConvRepair(ConvolutionSpec spec, ReadOnlySpan<float> weights, TensorLayout input, TensorLayout output, BFloat16Tensors bfloat16,
        Activation afterSum)
    {
        _spec = spec;
        _afterSum = afterSum;
        _transposed = spec is ConvTranspose2dSpec;
        _weights = weights.ToArray();
        (_input, _output, _bfloat16) = (input, output, bfloat16);
        _nanStaysNaN = float.IsNaN(NonFiniteRules.Activate(afterSum, NonFiniteRules.Activate(spec.Activation, double.NaN)));
    }

    private readonly bool _nanStaysNaN; // the activation of NaN is NaN (every kind so far): an all-NaN input needs no scatter

    /// <summary>
    /// The repair a kernel of <paramref name="backend"/> needs for <paramref name="spec"/> in <paramref name="precision"/>, or null:
    /// under <see cref="NonFiniteValues.Library"/>, or where the backend's kernel keeps PyTorch's values itself (with the
    /// activation after a fused residual sum, <paramref name="afterSum"/>, too).
    /// </summary>
    public static ConvRepair? For(ConvBackend backend, ConvolutionSpec spec, ConvPrecision precision, ReadOnlySpan<float> weights,
        TensorLayout input, TensorLayout output, BFloat16Tensors bfloat16 = BFloat16Tensors.None, Activation afterSum = default) =>
        backend.NonFiniteValues == NonFiniteValues.Library
        || (backend.KeepsNonFinite(spec.Activation, precision) && (afterSum.Kind == ActivationKind.None || backend.KeepsNonFinite(afterSum, precision)))
            ? null : new ConvRepair(spec, weights, input, output, bfloat16, afterSum);

    /// <summary>What a layer's or network's Describe says about NaN and ±infinity on <paramref name="backend"/>.</summary>
    public static string Describe(ConvBackend backend, Activation activation, ConvPrecision precision) =>
        backend.KeepsNonFinite(activation, precision)
            ? "NaN and ±infinity as PyTorch gives them (the library's kernel keeps them; no scan)"
            : backend.NonFiniteValues == NonFiniteValues.Library
                ? $"NaN and ±infinity as the library gives them (NonFiniteValues.Library): its kernel with {activation} is not PyTorch's there (e.g. relu(NaN) = 0, a NaN clamped to a bound)"
                : "NaN and ±infinity as PyTorch gives them: every call scans its input (one vectorized pass), a call that meets one overwrites the outputs whose windows hold it";

    /// <summary>
    /// Scans the call's input (and <paramref name="residual"/>, the values the kernel adds to its output, or null) and, when a
    /// value is non-finite, flags the outputs it reaches and reads the residual there; false when every value is finite
    /// (then there is nothing to repair and nothing was allocated).
    /// </summary>
    public bool Prepare(in ConvGeometry g, float* input, float* residual, ref RepairScratch? scratch)
    {
        bool bf16 = (_bfloat16 & BFloat16Tensors.Input) != 0;
        bool inputs = bf16 ? NonFiniteScan.AnyBFloat16((ushort*)input, g.InputLength) : NonFiniteScan.Any(input, g.InputLength);
        bool residuals = residual is not null && NonFiniteScan.Any(residual, g.OutputLength);
        if (!inputs && !residuals) return false;
        scratch ??= new RepairScratch();
        scratch.TouchedCount = 0;
        // Deep in a network a NaN spreads over whole tensors: then every output is NaN (act(NaN) + r too), without a scatter.
        scratch.AllNaN = inputs && !bf16 && _nanStaysNaN && NonFiniteScan.AllNaN(input, g.InputLength) && EveryOutputReadsInput(g);
        if (scratch.AllNaN)
        {
            scratch.AllNaNLength = g.OutputLength;
            return true;
        }
        scratch.Reserve(g.OutputLength);
        if (inputs)
        {
            int count = bf16 ? NonFiniteScan.RecordBFloat16((ushort*)input, g.InputLength, ref scratch.Positions, 0)
                : NonFiniteScan.Record(input, g.InputLength, ref scratch.Positions, 0);
            // A NaN reaches the same outputs from every channel of its group at its pixel, whatever the weights: scattered once.
            int groups = _spec.Groups, icg = _spec.InChannelsPerGroup;
            if (scratch.Seen.Length < g.Batch * groups * g.InHeight * g.InWidth) scratch.Seen = new bool[g.Batch * groups * g.InHeight * g.InWidth];
            for (int p = 0; p < count; p++)
            {
                int index = scratch.Positions[p];
                float x = Read(input, index, bf16);
                if (float.IsNaN(x))
                {
                    int key = NanKey(g, index, icg);
                    if (scratch.Seen[key]) continue;
                    scratch.Seen[key] = true;
                }
                Scatter(g, index, x, scratch);
            }
            for (int p = 0; p < count; p++)
                if (float.IsNaN(Read(input, scratch.Positions[p], bf16))) scratch.Seen[NanKey(g, scratch.Positions[p], icg)] = false;
        }
        if (residuals)
        {
            int count = NonFiniteScan.Record(residual, g.OutputLength, ref scratch.Positions, 0);
            for (int p = 0; p < count; p++) scratch.Touch(scratch.Positions[p], ResidualOnly);
        }
        if (residual is not null)
        {
            if (scratch.Residual.Length < scratch.TouchedCount) scratch.Residual = new float[scratch.Touched.Length];
            for (int t = 0; t < scratch.TouchedCount; t++) scratch.Residual[t] = residual[scratch.Touched[t]];
        }
        return true;
    }

    /// <summary>Overwrites the outputs <see cref="Prepare"/> flagged with the definition's values, and clears the flags.</summary>
    public void Apply(float* output, RepairScratch scratch, bool residual)
    {
        if (scratch.AllNaN)
        {
            int length = scratch.AllNaNLength;
            if ((_bfloat16 & BFloat16Tensors.Output) != 0) new Span<ushort>(output, length).Fill(0x7FC0);
            else new Span<float>(output, length).Fill(float.NaN);
            scratch.AllNaN = false;
            return;
        }
        Activation activation = _spec.Activation;
        for (int t = 0; t < scratch.TouchedCount; t++)
        {
            int o = scratch.Touched[t];
            var classes = (NonFiniteRules.Classes)(scratch.Flags[o] & ~ResidualOnly);
            scratch.Flags[o] = 0;
            float r = residual ? scratch.Residual[t] : 0f;
            // A finite window: only a non-finite residual brought it here, and act(s) + r is r's class whatever s is.
            float value = classes == NonFiniteRules.Classes.None ? r : NonFiniteRules.Activate(activation, NonFiniteRules.Sum(classes)) + r;
            if (_afterSum.Kind != ActivationKind.None) value = NonFiniteRules.Activate(_afterSum, value);
            if ((_bfloat16 & BFloat16Tensors.Output) != 0) ((ushort*)output)[o] = ToBFloat16(value);
            else output[o] = value;
        }
        scratch.TouchedCount = 0;
    }

    /// <summary>Whether every output row and column reads at least one input row and column (not padding or a stride's gap alone).</summary>
    private bool EveryOutputReadsInput(in ConvGeometry g)
    {
        ConvolutionSpec s = _spec;
        return EveryOutputReads(g.OutHeight, g.InHeight, s.Kernel.Height, s.Stride.Height, s.Dilation.Height, g.PadTop)
            && EveryOutputReads(g.OutWidth, g.InWidth, s.Kernel.Width, s.Stride.Width, s.Dilation.Width, g.PadLeft);
    }

    private bool EveryOutputReads(int outputs, int inputs, int kernel, int stride, int dilation, int pad)
    {
        for (int o = 0; o < outputs; o++)
        {
            bool reads = false;
            for (int k = 0; k < kernel && !reads; k++)
            {
                if (_transposed)
                {
                    int t = o + pad - k * dilation; // i·stride = t
                    reads = t >= 0 && t % stride == 0 && t / stride < inputs;
                }
                else
                {
                    int i = o * stride - pad + k * dilation;
                    reads = i >= 0 && i < inputs;
                }
            }
            if (!reads) return false;
        }
        return true;
    }

    /// <summary>float32 to bfloat16 rounded to nearest even, as the library writes its outputs (a clamp's bound need not be exact in bf16).</summary>
    private static ushort ToBFloat16(float value)
    {
        if (float.IsNaN(value)) return 0x7FC0;
        uint bits = BitConverter.SingleToUInt32Bits(value);
        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }

    private static float Read(float* input, int index, bool bf16) =>
        bf16 ? BitConverter.UInt32BitsToSingle((uint)((ushort*)input)[index] << 16) : input[index];

    /// <summary>Input <paramref name="index"/>'s (image, group, row, column): what the outputs a NaN there reaches depend on.</summary>
    private int NanKey(in ConvGeometry g, int index, int icg)
    {
        var (n, c, h, w) = Coordinates(g, index);
        return ((n * _spec.Groups + c / icg) * g.InHeight + h) * g.InWidth + w;
    }

    private (int N, int C, int H, int W) Coordinates(in ConvGeometry g, int index)
    {
        if (_input == TensorLayout.Nhwc)
        {
            int pixel = index / g.InChannels;
            return (pixel / g.InWidth / g.InHeight, index % g.InChannels, pixel / g.InWidth % g.InHeight, pixel % g.InWidth);
        }
        return (index / g.InWidth / g.InHeight / g.InChannels, index / g.InWidth / g.InHeight % g.InChannels, index / g.InWidth % g.InHeight, index % g.InWidth);
    }

    /// <summary>Flags every output whose window holds input <paramref name="index"/> with what x·w adds to its sum.</summary>
    private void Scatter(in ConvGeometry g, int index, float x, RepairScratch scratch)
    {
        var (n, c, h, w) = Coordinates(g, index);
        ConvolutionSpec s = _spec;
        int icg = s.InChannelsPerGroup, ocg = s.OutChannelsPerGroup, kh = s.Kernel.Height, kw = s.Kernel.Width;
        int group = c / icg, ic = c % icg;
        for (int ky = 0; ky < kh; ky++)
        {
            if (!OutputOf(h, ky, s.Stride.Height, s.Dilation.Height, g.PadTop, g.OutHeight, out int oy)) continue;
            for (int kx = 0; kx < kw; kx++)
            {
                if (!OutputOf(w, kx, s.Stride.Width, s.Dilation.Width, g.PadLeft, g.OutWidth, out int ox)) continue;
                for (int k = 0; k < ocg; k++)
                {
                    int oc = group * ocg + k;
                    // Convolution (out, in/groups, kh, kw); transposed (in, out/groups, kh, kw).
                    float weight = _transposed ? _weights[((c * ocg + k) * kh + ky) * kw + kx] : _weights[((oc * icg + ic) * kh + ky) * kw + kx];
                    int o = _output == TensorLayout.Nhwc
                        ? ((n * g.OutHeight + oy) * g.OutWidth + ox) * g.OutChannels + oc
                        : ((n * g.OutChannels + oc) * g.OutHeight + oy) * g.OutWidth + ox;
                    scratch.Touch(o, (byte)NonFiniteRules.Contribution(x, weight));
                }
            }
        }
    }

    /// <summary>
    /// The output row (column) that reads input row <paramref name="i"/> through tap <paramref name="k"/>: for a convolution
    /// o·stride − pad + k·dilation = i, for a transposed one o = i·stride − pad + k·dilation; false when there is none.
    /// </summary>
    private bool OutputOf(int i, int k, int stride, int dilation, int pad, int outputs, out int o)
    {
        if (_transposed)
        {
            o = i * stride - pad + k * dilation;
            return o >= 0 && o < outputs;
        }
        int t = i + pad - k * dilation;
        o = t / stride;
        return t >= 0 && t % stride == 0 && o < outputs;
    }
}
