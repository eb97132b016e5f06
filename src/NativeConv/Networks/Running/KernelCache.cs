namespace NativeConv;

/// <summary>
/// The convolution kernels of one network, made once per (convolution, backend, form) and shared by every program
/// that runs that convolution so: a candidate mixing libraries reuses the kernels, packed weights and per-shape
/// native state the single-backend candidates made, so measuring it costs runs, not preparation. Owns the kernels.
/// </summary>
internal sealed class KernelCache : IDisposable
{
    private readonly Dictionary<Key, ConvKernel> _kernels = [];

    /// <summary>How a kernel computes: plain, with the residual sum fused, in bfloat16 (with the tensors kept bfloat16), or dynamic int8.</summary>
    public readonly record struct Form(bool ResidualSum, ConvPrecision Precision, BFloat16Tensors BFloat16Tensors);

    private readonly record struct Key(ConvOp Convolution, ConvBackend Backend, Form Form);

    public ConvKernel Get(ConvOp conv, ConvBackend backend, Form form)
    {
        var key = new Key(conv, backend, form);
        if (_kernels.TryGetValue(key, out ConvKernel? kernel)) return kernel;
        kernel = Create(conv, backend, form);
        _kernels.Add(key, kernel);
        return kernel;
    }

    private static ConvKernel Create(ConvOp conv, ConvBackend backend, Form form)
    {
        if (form.ResidualSum)
        {
            ConvArguments.CheckParameters(conv.Spec, conv.Weights, conv.Bias);
            return backend.CreateWithResidualSum(conv.Spec, conv.Weights, conv.Bias)
                ?? throw new InvalidOperationException($"backend '{backend.Name}' has no fused residual sum for '{conv.Name}'");
        }
        return form.Precision switch
        {
            ConvPrecision.BFloat16 => backend.CreateBFloat16(conv.Spec, TensorLayout.Nhwc, conv.Weights, conv.Bias, form.BFloat16Tensors)
                ?? throw new NotSupportedException($"backend '{backend.Name}' has no bfloat16 convolution (oneDNN has, on CPUs with AVX512_BF16 or AMX)"),
            ConvPrecision.DynamicInt8 when conv.Spec.IsPointwise => backend.CreateDynamicInt8(conv.Spec, TensorLayout.Nhwc, conv.Weights, conv.Bias)
                ?? throw new NotSupportedException($"backend '{backend.Name}' has no dynamically quantized convolution (XNNPACK has, for pointwise layers)"),
            _ => backend.Create(conv.Spec, TensorLayout.Nhwc, conv.Weights, conv.Bias),
        };
    }

    public void Dispose()
    {
        foreach (ConvKernel kernel in _kernels.Values) kernel.Dispose();
        _kernels.Clear();
    }
}
