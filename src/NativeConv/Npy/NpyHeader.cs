using System.Buffers.Binary;
using System.Text;

namespace NativeConv.Npy;

/// <summary>
/// What a <c>.npy</c> header says about its array: the dtype as NumPy spells it (<c>descr</c>, such as
/// <c>'&lt;f4'</c> or <c>'&lt;i8'</c>), whether the data is column-major (<c>fortran_order</c>) and the
/// shape. It describes any array, also those NativeConv does not convert (a state_dict's int64
/// <c>num_batches_tracked</c>, for instance).
/// </summary>
public sealed class NpyHeader
{
    // 0x93 'N' 'U' 'M' 'P' 'Y' (not "\x93NUMPY"u8: that would UTF-8-encode U+0093 as two bytes).
    internal static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    // NumPy pads the header so the data starts on this boundary (numpy.lib.format.ARRAY_ALIGN).
    private const int DataAlignment = 64;

    internal const string Float32Descr = "<f4";

    internal const string Int64Descr = "<i8";

    private readonly int[] _shape;

    /// <exception cref="ArgumentException">A dimension is negative.</exception>
    public NpyHeader(string descr, bool fortranOrder, IReadOnlyList<int> shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(descr);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Any(d => d < 0)) throw new ArgumentException($"shape {NpyArray.Describe(shape)} has a negative dimension", nameof(shape));
        Descr = descr;
        FortranOrder = fortranOrder;
        _shape = shape.ToArray();
    }

    /// <summary>NumPy's dtype string: byte order (<c>&lt;</c>, <c>&gt;</c>, <c>|</c>), kind and item size, e.g. <c>&lt;f4</c>.</summary>
    public string Descr { get; }

    /// <summary>True when the data is stored column-major; NativeConv reads only C (row-major) order.</summary>
    public bool FortranOrder { get; }

    /// <summary>The dimensions, outermost first; empty for a scalar.</summary>
    public IReadOnlyList<int> Shape => _shape;

    internal ReadOnlySpan<int> ShapeSpan => _shape;

    /// <summary>Product of the dimensions (1 for a scalar).</summary>
    /// <exception cref="OverflowException">The product does not fit a long.</exception>
    public long ElementCount => NpyArray.ElementCount(_shape);

    /// <summary>True for little-endian float32 in C order: what <see cref="NpyFile"/> and <see cref="NpzArchive.ReadFloat32"/> read.</summary>
    public bool IsReadableAsFloat32 => Descr == Float32Descr && !FortranOrder;

    /// <summary>The dtype's NumPy name (float32, int64, big-endian float32, ...) or, for a dtype without one here, <see cref="Descr"/>.</summary>
    public string DtypeName => NameOf(Descr) ?? Descr;

    /// <summary>For listings: <c>float32 (32, 3, 3, 3)</c>, <c>int64 ()</c>.</summary>
    public override string ToString() => $"{DtypeName} {NpyArray.Describe(_shape)}{(FortranOrder ? " fortran_order" : "")}";

    /// <summary>Reads magic, version, header length and the header dict, leaving the stream at the first data byte.</summary>
    internal static NpyHeader Read(Stream stream, NpySource source)
    {
        Span<byte> prefix = stackalloc byte[8];
        if (stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false) < prefix.Length || !prefix[..6].SequenceEqual(Magic))
            throw source.Problem($"not a .npy {source.Noun} (it does not start with \\x93NUMPY)");
        byte major = prefix[6], minor = prefix[7];
        if (major is < 1 or > 3)
            throw source.Problem($".npy format version {major}.{minor} is not supported (1.0, 2.0 and 3.0 are)");

        Span<byte> lengthBytes = stackalloc byte[major == 1 ? 2 : 4];
        if (stream.ReadAtLeast(lengthBytes, lengthBytes.Length, throwOnEndOfStream: false) < lengthBytes.Length)
            throw source.Problem($"{source.Noun} ends inside the header length");
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthBytes) : BinaryPrimitives.ReadUInt32LittleEndian(lengthBytes);
        if (headerLength > 1 << 20) throw source.Problem($"header length {headerLength} is implausibly large");
        var headerBytes = new byte[headerLength];
        if (stream.ReadAtLeast(headerBytes, headerBytes.Length, throwOnEndOfStream: false) < headerBytes.Length)
            throw source.Problem($"{source.Noun} ends inside the header");
        string text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        return NpyHeaderParser.Parse(text, source);
    }

    /// <summary>Throws, saying how to convert, unless the array is little-endian float32 in C order.</summary>
    internal void RequireFloat32(NpySource source)
    {
        if (Descr != Float32Descr)
            throw source.Problem($"dtype '{Descr}'{(NameOf(Descr) is { } name ? $" ({name})" : "")} is not supported: NativeConv reads float32 " +
                "little-endian ('<f4'); save x.astype('<f4') instead");
        if (FortranOrder)
            throw source.Problem("fortran_order is True (column-major data): save np.ascontiguousarray(x) instead");
    }

    /// <summary>Format 1.0, the dict padded with spaces so the data starts on a 64-byte boundary (as NumPy does).</summary>
    internal void Write(Stream stream)
    {
        string dict = $"{{'descr': '{Descr}', 'fortran_order': {(FortranOrder ? "True" : "False")}, 'shape': {NpyArray.Describe(_shape)}, }}";
        int unpadded = Magic.Length + 2 + 2 + dict.Length + 1;
        int total = (unpadded + DataAlignment - 1) / DataAlignment * DataAlignment;
        string header = dict + new string(' ', total - unpadded) + "\n";
        stream.Write(Magic);
        stream.Write([1, 0]);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, checked((ushort)header.Length));
        stream.Write(length);
        stream.Write(Encoding.Latin1.GetBytes(header));
    }

    private static string? NameOf(string descr)
    {
        if (descr.Length < 3 || descr[0] is not ('<' or '>' or '|' or '=')) return null;
        string? name = descr[1..] switch
        {
            "f2" => "float16",
            "f4" => "float32",
            "f8" => "float64",
            "i1" => "int8",
            "i2" => "int16",
            "i4" => "int32",
            "i8" => "int64",
            "u1" => "uint8",
            "u2" => "uint16",
            "u4" => "uint32",
            "u8" => "uint64",
            "b1" => "bool",
            "c8" => "complex64",
            "c16" => "complex128",
            _ => null,
        };
        // A one-byte type has no byte order; for the others '>' is the surprise worth naming.
        return name is not null && descr[0] == '>' && descr[^1] != '1' ? "big-endian " + name : name;
    }
}
