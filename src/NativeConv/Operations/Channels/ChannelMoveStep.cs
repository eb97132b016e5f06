using System.Numerics;

namespace NativeConv;

/// <summary>The managed kernel of concat and split: their <see cref="ChannelMove"/>s, each run copied in vector registers.</summary>
internal sealed unsafe class ChannelMoveStep(GraphOp op, OpShapes shapes, ChannelMove[] moves) : OpStep(op, shapes)
{
    private readonly long _pixels = (long)shapes.Input.Batch * shapes.Input.Height * shapes.Input.Width;

    public override string Implementation => "vectorized C# (channel runs)";

    public override void Run(float** values)
    {
        foreach (ChannelMove m in moves)
            Copy(values[m.Source] + m.SourceOffset, m.SourceStride, values[m.Destination] + m.DestinationOffset, m.DestinationStride, m.Run, _pixels);
    }

    /// <summary>
    /// For each of <paramref name="pixels"/> pixels, <paramref name="run"/> floats from <paramref name="source"/> (pixels
    /// <paramref name="sourceStride"/> apart) to <paramref name="destination"/> (<paramref name="destinationStride"/> apart).
    /// The two never overlap: an operation writes a buffer it does not read.
    /// </summary>
    internal static void Copy(float* source, int sourceStride, float* destination, int destinationStride, int run, long pixels)
    {
        if (sourceStride == run && destinationStride == run)
        {
            long bytes = pixels * run * sizeof(float);
            Buffer.MemoryCopy(source, destination, bytes, bytes); // contiguous (one part, one input): one copy
            return;
        }
        int width = Vector<float>.Count;
        if (run < width)
        {
            for (long p = 0; p < pixels; p++, source += sourceStride, destination += destinationStride)
                for (int i = 0; i < run; i++) destination[i] = source[i];
            return;
        }
        // Whole vectors, the last one overlapping the one before it where the run is no multiple of the width: no scalar tail.
        int last = run - width;
        for (long p = 0; p < pixels; p++, source += sourceStride, destination += destinationStride)
        {
            for (int i = 0; i < last; i += width) Vector.Load(source + i).Store(destination + i);
            Vector.Load(source + last).Store(destination + last);
        }
    }
}
