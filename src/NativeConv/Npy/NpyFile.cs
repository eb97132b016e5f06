using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace NativeConv.Npy;

/// <summary>
/// Reads and writes NumPy <c>.npy</c> files (format versions 1.0, 2.0 and 3.0) holding float32,
/// little-endian, C-ordered arrays: what <c>np.save(path, x.astype(np.float32))</c> writes.
/// Anything else (fortran_order, other dtypes, truncated or padded data) is rejected with a message
/// that says how to convert the array.
/// </summary>
public static class NpyFile
{
    // 0x93 'N' 'U' 'M' 'P' 'Y' (not "\x93NUMPY"u8: that would UTF-8-encode U+0093 as two bytes).
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static NpyArray Read(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Read(stream, path);
    }

    public static NpyArray Read(Stream stream, string path)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> prefix = stackalloc byte[8];
        if (stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false) < prefix.Length || !prefix[..6].SequenceEqual(Magic))
            throw new NpyFormatException(path, "not a .npy file (it does not start with \\x93NUMPY)");
        byte major = prefix[6], minor = prefix[7];
        if (major is < 1 or > 3)
            throw new NpyFormatException(path, $".npy format version {major}.{minor} is not supported (1.0, 2.0 and 3.0 are)");

        Span<byte> lengthBytes = stackalloc byte[major == 1 ? 2 : 4];
        if (stream.ReadAtLeast(lengthBytes, lengthBytes.Length, throwOnEndOfStream: false) < lengthBytes.Length)
            throw new NpyFormatException(path, "file ends inside the header length");
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthBytes) : BinaryPrimitives.ReadUInt32LittleEndian(lengthBytes);
        if (headerLength > 1 << 20) throw new NpyFormatException(path, $"header length {headerLength} is implausibly large");
        var headerBytes = new byte[headerLength];
        if (stream.ReadAtLeast(headerBytes, headerBytes.Length, throwOnEndOfStream: false) < headerBytes.Length)
            throw new NpyFormatException(path, "file ends inside the header");
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);

        NpyHeader.Fields fields = NpyHeader.Parse(header, path);
        if (fields.Descr != "<f4")
            throw new NpyFormatException(path, $"dtype '{fields.Descr}'{DtypeName(fields.Descr)} is not supported: NativeConv reads float32 " +
                "little-endian ('<f4'); save x.astype('<f4') instead");
        if (fields.FortranOrder)
            throw new NpyFormatException(path, "fortran_order is True (column-major data): save np.ascontiguousarray(x) instead");

        long count;
        try
        {
            count = NpyArray.ElementCount(fields.Shape);
        }
        catch (OverflowException)
        {
            throw new NpyFormatException(path, $"shape {NpyArray.Describe(fields.Shape)} overflows");
        }
        if (count > Array.MaxLength)
            throw new NpyFormatException(path, $"shape {NpyArray.Describe(fields.Shape)} holds {count} values, more than an array can ({Array.MaxLength})");
        var data = new float[count];
        Span<byte> bytes = MemoryMarshal.AsBytes(data.AsSpan());
        int read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        if (read < bytes.Length)
            throw new NpyFormatException(path, $"shape {NpyArray.Describe(fields.Shape)} needs {bytes.Length} data bytes, the file has {read}");
        if (stream.ReadByte() >= 0)
            throw new NpyFormatException(path, $"file has data past the {bytes.Length} bytes that shape {NpyArray.Describe(fields.Shape)} needs");
        if (!BitConverter.IsLittleEndian)
            for (int i = 0; i < data.Length; i++)
                data[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * 4, 4));
        return new NpyArray(fields.Shape, data);
    }

    public static void Write(string path, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        using FileStream stream = File.Create(path);
        Write(stream, array);
    }

    /// <summary>Format 1.0, header padded with spaces so the data starts on a 64-byte boundary (as NumPy does).</summary>
    public static void Write(Stream stream, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        string dict = NpyHeader.Format(array.Shape);
        int unpadded = Magic.Length + 2 + 2 + dict.Length + 1;
        int total = (unpadded + 63) / 64 * 64;
        string header = dict + new string(' ', total - unpadded) + "\n";
        stream.Write(Magic);
        stream.Write([1, 0]);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, checked((ushort)header.Length));
        stream.Write(length);
        stream.Write(Encoding.Latin1.GetBytes(header));
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

    private static string DtypeName(string descr) => descr.Length >= 2 ? descr[1..] switch
    {
        "f8" => " (float64)",
        "f2" => " (float16)",
        "f4" when descr[0] == '>' => " (big-endian float32)",
        "i4" => " (int32)",
        "i8" => " (int64)",
        "b1" => " (bool)",
        "u1" => " (uint8)",
        _ => "",
    } : "";
}
