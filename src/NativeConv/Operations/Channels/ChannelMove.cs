namespace NativeConv;

/// <summary>
/// One run of <paramref name="Run"/> channels per pixel moved between two NHWC values of the same pixels: from channel
/// <paramref name="SourceOffset"/> of <paramref name="Source"/> (pixels <paramref name="SourceStride"/> floats apart) to
/// channel <paramref name="DestinationOffset"/> of <paramref name="Destination"/>. A concat is one move per input into
/// its place in the output, a split one move per part out of the input.
/// </summary>
/// <param name="Source">The value read (an index into the call's table).</param>
/// <param name="Destination">The value written.</param>
internal readonly record struct ChannelMove(int Source, int SourceOffset, int SourceStride, int Destination, int DestinationOffset, int DestinationStride, int Run);
