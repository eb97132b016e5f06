namespace NativeConv;

/// <summary>
/// A 2-D transposed convolution layer (PyTorch's <c>ConvTranspose2d</c>: the upsampling of decoders and segmentation
/// heads) on one backend. Create once — weights in PyTorch order <c>(in, out/groups, kh, kw)</c> are validated and packed
/// or reordered once — then run many times. Every argument is checked before native code runs. A backend without a
/// transposed convolution of its own runs it on the reference (<see cref="ConvLayer{TSpec}.Capabilities"/> says so).
/// </summary>
public sealed class ConvTranspose2dLayer(ConvTranspose2dSpec spec, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ConvBackend backend,
    TensorLayout layout = TensorLayout.Nchw)
    : ConvLayer<ConvTranspose2dSpec>(Given(backend), backend.DescribeTransposed(spec, layout), backend.CreateTransposed(spec, layout, weights, bias));
