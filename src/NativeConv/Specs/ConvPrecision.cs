namespace NativeConv;

/// <summary>The arithmetic a float layer runs in; its tensors are float32 either way.</summary>
public enum ConvPrecision
{
    /// <summary>float32 throughout.</summary>
    Float32,

    /// <summary>
    /// bfloat16 products inside (weights converted once, inputs on the fly), float32 accumulation and tensors:
    /// oneDNN on CPUs with AVX512_BF16 or AMX. About 3 significant digits per product.
    /// </summary>
    BFloat16,
}
