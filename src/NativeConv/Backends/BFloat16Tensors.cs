namespace NativeConv;

/// <summary>
/// Which of a bfloat16 convolution's tensors are bfloat16 in memory; the others are float32. A bfloat16
/// tensor occupies the first half of the bytes its float32 buffer would (same element count, 2 bytes each),
/// so buffers and span lengths stay those of float32.
/// </summary>
[Flags]
internal enum BFloat16Tensors
{
    /// <summary>float32 in and out: the input converted per call, the output written as float32.</summary>
    None = 0,

    /// <summary>The input is bfloat16 already (a previous bfloat16 convolution's output): no conversion.</summary>
    Input = 1,

    /// <summary>The output is written as bfloat16 (read only by bfloat16 convolutions).</summary>
    Output = 2,
}
