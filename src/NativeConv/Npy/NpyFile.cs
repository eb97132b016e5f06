using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace NativeConv.Npy;

/// <summary>
/// Reads and writes NumPy <c>.npy</c> files (format versions 1.0, 2.0 and 3.0) holding float32,
/// little-endian, C-ordered arrays: what <c>np.save(path, x.astype(np.float32))</c> writes.
/// Anything else (fortran_order, other dtypes, truncated or padded data) is rejected with a
/// <see cref="NpyFormatException"/> that says how to convert the array.
/// </summary>
public static class NpyFile
{
    /// <summary>Reads the float32 array in the <c>.npy</c> file at <paramref name="path"/>.</summary>
    /// <exception cref="NpyFormatException">The file is not a float32, little-endian, C-ordered .npy array, or is truncated or padded.</exception>
    public static NpyArray Read(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads a float32 <c>.npy</c> array from <paramref name="stream"/>, to its end; <paramref name="path"/> names it in errors.</summary>
    /// <exception cref="NpyFormatException">The stream is not a float32, little-endian, C-ordered .npy array, or is truncated or padded.</exception>
    public static NpyArray Read(Stream stream, string path)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(path);
        return ReadFloat32(stream, new NpySource(path));
    }

    /// <summary>
    /// Writes <paramref name="array"/> as the <c>.npy</c> file <paramref name="path"/>, which <c>np.load</c> reads: whole or
    /// not at all (a device, FIFO or socket is written in place; a symlink's target is replaced).
    /// </summary>
    /// <exception cref="IOException">The file could not be written; the message names <paramref name="path"/> and the system's reason.</exception>
    public static void Write(string path, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        OutputFile.Write(path, stream => Write(stream, array));
    }

    /// <summary>Format 1.0, header padded with spaces so the data starts on a 64-byte boundary (as NumPy does).</summary>
    public static void Write(Stream stream, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        new NpyHeader(NpyHeader.Float32Descr, fortranOrder: false, array.Shape).Write(stream);
        if (BitConverter.IsLittleEndian)
            stream.Write(MemoryMarshal.AsBytes(array.Data.AsSpan()));
        else
        {
            var buffer = new byte[4];
            foreach (float v in array.Data)
            {
                BinaryPrimitives.WriteSingleLittleEndian(buffer, v);
                stream.Write(buffer);
            }
        }
    }

    /// <summary>Header and data of a whole float32 .npy stream; shared by files and archive entries.</summary>
    internal static NpyArray ReadFloat32(Stream stream, NpySource source)
    {
        NpyHeader header = NpyHeader.Read(stream, source);
        header.RequireFloat32(source);
        return new NpyArray(header.Shape.ToArray(), ReadFloat32Data(stream, header, source));
    }

    /// <summary>The data after a float32 header: exactly as many bytes as the shape needs, no more.</summary>
    private static float[] ReadFloat32Data(Stream stream, NpyHeader header, NpySource source)
    {
        string shape = NpyArray.Describe(header.Shape);
        long count;
        try
        {
            count = header.ElementCount;
        }
        catch (OverflowException)
        {
            throw source.Problem($"shape {shape} overflows");
        }
        // The data is read through one Span<byte>, whose length is an int.
        if (count > int.MaxValue / sizeof(float))
            throw source.Problem($"shape {shape} holds {count} values, more than NativeConv reads into one array ({int.MaxValue / sizeof(float)})");
        var data = new float[count];
        Span<byte> bytes = MemoryMarshal.AsBytes(data.AsSpan());
        int read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        if (read < bytes.Length)
            throw source.Problem($"shape {shape} needs {bytes.Length} data bytes, the {source.Noun} has {read}");
        if (stream.ReadByte() >= 0)
            throw source.Problem($"{source.Noun} has data past the {bytes.Length} bytes that shape {shape} needs");
        if (!BitConverter.IsLittleEndian)
            for (int i = 0; i < data.Length; i++)
                data[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * 4, 4));
        return data;
    }
}
