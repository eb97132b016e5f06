namespace NativeConv;

/// <summary>How a batch of feature maps is laid out in memory.</summary>
public enum TensorLayout
{
    /// <summary>(batch, channels, height, width): PyTorch's default.</summary>
    Nchw,

    /// <summary>(batch, height, width, channels): channels-last, what the native kernels prefer.</summary>
    Nhwc,
}
