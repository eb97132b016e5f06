namespace NativeConv;

/// <summary>
/// The operation kernels of one network, made once per (operation, backend, form) and shared by every program that
/// runs the operation so: a candidate mixing libraries reuses the kernels, packed weights and per-shape native state
/// the single-backend candidates made, so measuring it costs runs, not preparation. Owns the kernels.
/// </summary>
internal sealed class KernelCache(ConvPrecision precision, bool[] bfloat16Values) : IDisposable
{
    private readonly Dictionary<(GraphOp Op, ConvBackend Backend, bool ResidualSum), OpKernel> _kernels = [];

    /// <summary>The arithmetic of the convolutions.</summary>
    public ConvPrecision Precision { get; } = precision;

    /// <summary>The kernel that runs <paramref name="op"/> on <paramref name="backend"/> (its library's, or the managed one).</summary>
    public OpKernel For(GraphOp op, ConvBackend backend)
    {
        GraphOp key = op is ConvSumOp fused ? fused.Convolution : op; // fused graphs are made per candidate; their convolutions are shared
        if (_kernels.TryGetValue((key, backend, op is ConvSumOp), out OpKernel? kernel)) return kernel;
        kernel = op.LowerOn(backend, this);
        _kernels.Add((key, backend, op is ConvSumOp), kernel);
        return kernel;
    }

    /// <summary>
    /// A convolution's kernel on <paramref name="backend"/>, in this network's precision, with the residual sum fused
    /// (and <paramref name="afterSum"/> after it) or not.
    /// </summary>
    public OpKernel Convolution(ConvOp conv, ConvBackend backend, bool residualSum, Activation? afterSum = null)
    {
        if (residualSum)
        {
            ConvArguments.CheckParameters(conv.Spec, conv.Weights, conv.Bias);
            ConvKernel fused = backend.CreateWithResidualSum(conv.Spec, conv.Weights, conv.Bias, afterSum ?? Activation.None)
                ?? throw new InvalidOperationException($"backend '{backend.Name}' has no fused residual sum for '{conv.Name}'");
            fused.Repairing(ConvRepair.For(backend, conv.Spec, Precision, conv.Weights, TensorLayout.Nhwc, TensorLayout.Nhwc, afterSum: afterSum ?? Activation.None));
            return new ConvOpKernel<Conv2dSpec>(fused, backend.Name, residualSum: true);
        }
        BFloat16Tensors tensors = Precision == ConvPrecision.BFloat16 ? BFloat16Values.For(conv, bfloat16Values) : BFloat16Tensors.None;
        ConvKernel kernel = Precision switch
        {
            ConvPrecision.BFloat16 => backend.CreateBFloat16(conv.Spec, TensorLayout.Nhwc, conv.Weights, conv.Bias, tensors)
                ?? throw new NotSupportedException($"backend '{backend.Name}' has no bfloat16 convolution (oneDNN has, on CPUs with AVX512_BF16 or AMX)"),
            ConvPrecision.DynamicInt8 when conv.Spec.IsPointwise => backend.CreateDynamicInt8(conv.Spec, TensorLayout.Nhwc, conv.Weights, conv.Bias)
                ?? throw new NotSupportedException($"backend '{backend.Name}' has no dynamically quantized convolution (XNNPACK has, for pointwise layers)"),
            _ => backend.Create(conv.Spec, TensorLayout.Nhwc, conv.Weights, conv.Bias),
        };
        // A float32 kernel has its repair from Create; the others are made outside its checks.
        if (Precision == ConvPrecision.BFloat16 || (Precision == ConvPrecision.DynamicInt8 && conv.Spec.IsPointwise))
            kernel.Repairing(ConvRepair.For(backend, conv.Spec, Precision, conv.Weights, TensorLayout.Nhwc, TensorLayout.Nhwc, tensors));
        return new ConvOpKernel<Conv2dSpec>(kernel, backend.Name, residualSum: false, Describe(tensors));
    }

    /// <summary>A transposed convolution's kernel on <paramref name="backend"/> (float32: no library has it in another precision).</summary>
    public OpKernel Transposed(ConvTransposeOp op, ConvBackend backend) => Precision == ConvPrecision.Float32
        ? new ConvOpKernel<ConvTranspose2dSpec>(backend.CreateTransposed(op.Spec, TensorLayout.Nhwc, op.Weights, op.Bias), backend.Name, residualSum: false)
        : throw new NotSupportedException($"'{op.Name}': transposed convolutions run in float32, not {Precision}");

    private static string Describe(BFloat16Tensors tensors) => tensors switch
    {
        BFloat16Tensors.None => "",
        BFloat16Tensors.Input => " (bf16 input)",
        BFloat16Tensors.Output => " (bf16 output)",
        _ => " (bf16 input and output)",
    };

    public void Dispose()
    {
        foreach (OpKernel kernel in _kernels.Values) kernel.Dispose();
        _kernels.Clear();
    }
}
