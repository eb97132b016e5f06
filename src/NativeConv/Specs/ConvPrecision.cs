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

    /// <summary>
    /// Dynamic int8 (XNNPACK's qd8_f32_qc8w), pointwise layers: float32 tensors; weights quantized once,
    /// symmetric int8 per output channel; each call quantizes every pixel's input channels to int8 with a
    /// scale and zero point of their own (from that pixel's min and max), multiplies in int8 with int32
    /// accumulation, and scales back to float32. Error: up to half a weight step times Σ|x| plus one
    /// input step times Σ|w| per output (see the README's precision section).
    /// </summary>
    DynamicInt8,
}
