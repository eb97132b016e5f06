using NativeConv.Npy;

namespace NativeConv.Benchmarks.Ort;

/// <summary>
/// The input both libraries read, from one aligned buffer: the image of --input (PyTorch's input of the export, which
/// the PyTorch peer times too) repeated over the batch, or seeded U(-1, 1) values. Children make the same one.
/// </summary>
internal static class OnnxPairedInput
{
    public static AlignedFloatBuffer Create(string? path, int[] shape)
    {
        var buffer = new AlignedFloatBuffer(shape.Aggregate(1, (a, b) => checked(a * b)));
        Span<float> x = buffer.Span;
        if (path is null)
        {
            var random = new Random(0);
            for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);
            return buffer;
        }
        NpyArray image = NpyFile.Read(path);
        if (image.Shape is not [1, _, _, _] || !image.Shape.AsSpan(1).SequenceEqual(shape.AsSpan(1)))
        {
            buffer.Dispose();
            throw new ArgumentException($"{path}: shape ({string.Join(", ", image.Shape)}), not (1, {string.Join(", ", shape[1..])})");
        }
        for (int n = 0; n < shape[0]; n++) image.Data.CopyTo(x[(n * image.Data.Length)..]);
        return buffer;
    }
}
