namespace NativeConv.Interop.Xnnpack;

public static partial class Xnn
{
    /// <summary>
    /// XNNPACK may read (never write) up to <see cref="XNN_EXTRA_BYTES"/> past the end of every input
    /// array. This is the one place that turns that fact into a count of float elements: any input
    /// buffer handed to XNNPACK must be this many floats longer than its data.
    /// </summary>
    public const int InputSlackFloats = (XNN_EXTRA_BYTES + sizeof(float) - 1) / sizeof(float);
}
