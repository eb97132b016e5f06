using System.Buffers.Binary;

namespace NativeConv.Tests;

/// <summary>
/// Where the records of a zip file sit in its bytes (APPNOTE.TXT 4.3: local headers, central directory, end record), so
/// a fuzzer can aim at a field instead of flipping bytes at random, which nearly always lands in array data. Reads
/// the archives NpzWriter makes: one disk, no zip64, no encryption.
/// </summary>
internal sealed class ZipLayout
{
    private const uint LocalSignature = 0x04034b50, CentralSignature = 0x02014b50, EndSignature = 0x06054b50;

    /// <summary>One entry: its name and where its records and data are.</summary>
    public sealed record Entry(string Name, int Central, int Local, int Data, int CompressedSize, bool Stored);

    private ZipLayout(int end, int centralStart, IReadOnlyList<Entry> entries)
    {
        End = end;
        CentralStart = centralStart;
        Entries = entries;
    }

    /// <summary>The end-of-central-directory record's offset.</summary>
    public int End { get; }

    /// <summary>The central directory's first byte.</summary>
    public int CentralStart { get; }

    public IReadOnlyList<Entry> Entries { get; }

    public static ZipLayout Read(byte[] zip)
    {
        int end = zip.Length - 22;
        while (end >= 0 && BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end)) != EndSignature) end--;
        if (end < 0) throw new InvalidDataException("no end-of-central-directory record");
        int count = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(end + 10));
        int centralStart = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end + 16));
        var entries = new List<Entry>(count);
        for (int i = 0, at = centralStart; i < count; i++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at)) != CentralSignature) throw new InvalidDataException($"no central header at {at}");
            int method = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 10));
            int compressed = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at + 20));
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 28));
            int extra = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 30)), comment = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 32));
            int local = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at + 42));
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(local)) != LocalSignature) throw new InvalidDataException($"no local header at {local}");
            int data = local + 30 + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(local + 26)) + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(local + 28));
            string name = System.Text.Encoding.UTF8.GetString(zip, at + 46, nameLength);
            entries.Add(new Entry(name, at, local, data, compressed, method == 0));
            at += 46 + nameLength + extra + comment;
        }
        return new ZipLayout(end, centralStart, entries);
    }

    /// <summary>Field offsets within a local header (APPNOTE 4.3.7) a mutation may aim at, with their sizes.</summary>
    public static readonly (int Offset, int Size, string Name)[] LocalFields =
    [
        (0, 4, "signature"), (4, 2, "version needed"), (6, 2, "flags"), (8, 2, "method"), (14, 4, "crc-32"),
        (18, 4, "compressed size"), (22, 4, "uncompressed size"), (26, 2, "name length"), (28, 2, "extra length"),
    ];

    /// <summary>Field offsets within a central directory header (APPNOTE 4.3.12).</summary>
    public static readonly (int Offset, int Size, string Name)[] CentralFields =
    [
        (0, 4, "signature"), (6, 2, "version needed"), (8, 2, "flags"), (10, 2, "method"), (16, 4, "crc-32"), (20, 4, "compressed size"),
        (24, 4, "uncompressed size"), (28, 2, "name length"), (30, 2, "extra length"), (32, 2, "comment length"), (34, 2, "disk start"),
        (42, 4, "local header offset"),
    ];

    /// <summary>Field offsets within the end record (APPNOTE 4.3.16).</summary>
    public static readonly (int Offset, int Size, string Name)[] EndFields =
    [
        (0, 4, "signature"), (4, 2, "disk number"), (6, 2, "central directory disk"), (8, 2, "entries on disk"), (10, 2, "entries"),
        (12, 4, "central directory size"), (16, 4, "central directory offset"), (20, 2, "comment length"),
    ];

    /// <summary>Sets a stored entry's CRC-32 (local header and central directory) to what its data now holds, after an edit inside it.</summary>
    public void FixCrc(byte[] zip, Entry entry)
    {
        uint crc = Crc32(zip.AsSpan(entry.Data, entry.CompressedSize));
        BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(entry.Local + 14), crc);
        BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(entry.Central + 16), crc);
    }

    private static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    /// <summary>The zip CRC-32 (ISO 3309, reflected, as zlib's <c>crc32</c>).</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in data) c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFF;
    }
}
