using System.Buffers.Binary;
using System.Text;
using NativeConv.Npy;

namespace NativeConv.Tests;

/// <summary>
/// Mutated copies of a state_dict archive that <see cref="NpzWriter"/> wrote: each draw picks one layer to break, so
/// that every layer is reached, not only the array data that random flips nearly always hit. The state_dict's own
/// content (a key dropped, added, renamed, reshaped, retyped, two swapped, a value made NaN, infinite or negative) is
/// written again by NpzWriter, stored or deflated; a <c>.npy</c> header (dtype, fortran_order, shape, header length,
/// magic and version, a byte of its text) is edited inside a stored archive with the CRC made to match, so the edit
/// reaches the array reader; the zip's records (a field of a local header, the central directory or the end record,
/// CRCs, compression methods, sizes and offsets, duplicate names) and the file as a whole (byte flips, truncation,
/// bytes before or after) are edited last.
/// </summary>
internal sealed class NpzMutator
{
    private readonly List<(string Key, int[] Shape, float[] Data)> _tensors;
    private readonly byte[] _stored, _deflated;
    private readonly string _scratch;

    /// <param name="tensors">The state_dict, in writing order.</param>
    /// <param name="scratch">A file the mutator may write its NpzWriter archives to.</param>
    public NpzMutator(List<(string Key, int[] Shape, float[] Data)> tensors, string scratch)
    {
        _tensors = tensors;
        _scratch = scratch;
        _stored = Write(tensors, compressed: false);
        _deflated = Write(tensors, compressed: true);
    }

    /// <summary>The archive unmutated: stored (np.savez) or deflated (np.savez_compressed).</summary>
    public byte[] Original(bool compressed) => compressed ? _deflated : _stored;

    /// <summary>One mutated archive and what was done to it.</summary>
    public (byte[] Bytes, string What) Next(Random r)
    {
        // Deflated content is rarer: NpzWriter deflates 10 MB per case, most of the case's time, and the content reaches
        // the reader the same way stored.
        return r.Next(3) switch
        {
            0 => Content(r, compressed: r.Next(10) == 0),
            1 => NpyHeader(r),
            _ => r.Next(3) == 0 ? Zip(r, _deflated, compressed: true) : Zip(r, _stored, compressed: false),
        };
    }

    private byte[] Write(IEnumerable<(string Key, int[] Shape, float[] Data)> tensors, bool compressed, Action<NpzWriter>? more = null)
    {
        NpzWriter.Save(_scratch, writer =>
        {
            foreach (var (key, shape, data) in tensors)
            {
                writer.Write(key, new NpyArray(shape, data));
                if (key.EndsWith(".running_var", StringComparison.Ordinal))
                    writer.WriteInt64Scalar(key.Replace("running_var", "num_batches_tracked", StringComparison.Ordinal), 0);
            }
            more?.Invoke(writer);
        }, compressed);
        return File.ReadAllBytes(_scratch);
    }

    /// <summary>The state_dict's content changed, written again by NpzWriter.</summary>
    private (byte[], string) Content(Random r, bool compressed)
    {
        var tensors = _tensors.ToList();
        int k = r.Next(tensors.Count);
        var (key, shape, data) = tensors[k];
        string how = compressed ? "deflated" : "stored";
        switch (r.Next(8))
        {
            case 0:
                tensors.RemoveAt(k);
                return (Write(tensors, compressed), $"{how}: '{key}' dropped");
            case 1:
                int[] extraShape = [r.Next(1, 5), r.Next(1, 5)];
                string extra = r.Next(2) == 0 ? $"features.{r.Next(20, 99)}.weight" : key + "_extra"; // never a key v3-small has
                return (Write(tensors, compressed, w => w.Write(extra, new NpyArray(extraShape, new float[extraShape[0] * extraShape[1]]))), $"{how}: '{extra}' added");
            case 2:
                // NpzWriter writes each name once: a rename onto another key is a draw again (two entries of one name are the zip mutations' case 7).
                string renamed = Mutate(key, r);
                while (tensors.Any(t => t.Key == renamed)) renamed = Mutate(key, r);
                tensors[k] = (renamed, shape, data);
                return (Write(tensors, compressed), $"{how}: '{key}' renamed '{renamed}'");
            case 3:
                int[] reshaped = Reshape(shape, r);
                tensors[k] = (key, reshaped, new float[NpyArray.ElementCount(reshaped)]);
                return (Write(tensors, compressed), $"{how}: '{key}' {NpyArray.Describe(shape)} written as {NpyArray.Describe(reshaped)}");
            case 4:
                tensors.RemoveAt(k);
                return (Write(tensors, compressed, w => w.WriteInt64Scalar(key, 7)), $"{how}: '{key}' written as an int64 scalar");
            case 5:
                int other = tensors.FindIndex(t => t.Key != key && t.Shape.SequenceEqual(shape));
                if (other < 0) goto case 6;
                (tensors[k], tensors[other]) = ((key, shape, tensors[other].Data), (tensors[other].Key, shape, data));
                return (Write(tensors, compressed), $"{how}: '{key}' and '{tensors[other].Key}' swapped their values");
            case 6:
                float value = r.Next(5) switch { 0 => float.NaN, 1 => float.PositiveInfinity, 2 => float.NegativeInfinity, 3 => -1, _ => float.MaxValue };
                float[] changed = data.ToArray();
                changed[r.Next(changed.Length)] = value;
                tensors[k] = (key, shape, changed);
                return (Write(tensors, compressed), $"{how}: a value of '{key}' set to {value}");
            default:
                var bn = tensors.Select((t, i) => (t, i)).Where(p => p.t.Key.EndsWith(".running_var", StringComparison.Ordinal)).ToList();
                var (t, at) = bn[r.Next(bn.Count)];
                float[] variance = t.Data.ToArray();
                variance[r.Next(variance.Length)] = r.Next(3) switch { 0 => -0.5f, 1 => float.NaN, _ => float.PositiveInfinity };
                tensors[at] = (t.Key, t.Shape, variance);
                return (Write(tensors, compressed), $"{how}: a value of '{t.Key}' set to {variance.First(v => !(v >= 0) || float.IsInfinity(v))}");
        }
    }

    private static string Mutate(string key, Random r)
    {
        var chars = key.ToCharArray();
        chars[r.Next(chars.Length)] = "abcxyz019._"[r.Next(11)];
        string renamed = new(chars);
        return renamed == key ? key + "x" : renamed;
    }

    private static int[] Reshape(int[] shape, Random r) => r.Next(4) switch
    {
        0 => shape.Reverse().ToArray(),                                      // same count, other order
        1 => [1, .. shape],                                                  // a leading 1
        2 => shape.Select((d, i) => i == 0 ? d + 1 : d).ToArray(),           // one more along the first axis
        _ => shape.Length > 1 ? [shape.Aggregate(1, (a, b) => a * b)] : [],  // flattened, or a scalar
    };

    /// <summary>A .npy header edited inside the stored archive, its CRC made to match.</summary>
    private (byte[], string) NpyHeader(Random r)
    {
        byte[] zip = _stored.ToArray();
        var layout = ZipLayout.Read(zip);
        ZipLayout.Entry entry = layout.Entries[r.Next(layout.Entries.Count)];
        int d = entry.Data, length = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(d + 8));
        string header = Encoding.Latin1.GetString(zip, d + 10, length);
        string dict = header.TrimEnd(' ', '\n');
        string what;
        switch (r.Next(7))
        {
            case 0:
                string descr = new[] { "<f8", ">f4", "<i8", "|u1", "<f2", "<c8", "f4", "", "<f4 ", "|V4", "<U4", "<f" }[r.Next(12)];
                dict = Replace(dict, "'descr': '", "'", descr);
                what = $"descr '{descr}'";
                break;
            case 1:
                dict = dict.Replace("'fortran_order': False", "'fortran_order': True", StringComparison.Ordinal);
                what = "fortran_order True";
                break;
            case 2:
                string shape = new[]
                {
                    "()", "(0,)", "(1,)", "(-1,)", "(2147483648,)", "(9223372036854775807, 9223372036854775807)", "(99999999999999999999,)",
                    "(3,,)", "(3 3)", "((3,),)", "(3, 'a')", "[3]", "(65536, 65536)", "(1, 2, 3, 4, 5, 6, 7, 8)",
                }[r.Next(14)];
                dict = Replace(dict, "'shape': ", ", }", shape);
                what = $"shape {shape}";
                break;
            case 3:
                int newLength = r.Next(3) switch { 0 => r.Next(0x10000), 1 => Math.Max(0, length + r.Next(-16, 17)), _ => 0 };
                BinaryPrimitives.WriteUInt16LittleEndian(zip.AsSpan(d + 8), (ushort)newLength);
                layout.FixCrc(zip, entry);
                return (zip, $"'{entry.Name}': header length {length} -> {newLength}");
            case 4:
                int at = r.Next(8);
                byte was = zip[d + at];
                zip[d + at] = at >= 6 ? (byte)r.Next(0, 6) : (byte)r.Next(256);
                layout.FixCrc(zip, entry);
                return (zip, $"'{entry.Name}': magic/version byte {at} {was} -> {zip[d + at]}");
            case 5:
                int i = r.Next(header.Length);
                zip[d + 10 + i] = (byte)r.Next(256);
                layout.FixCrc(zip, entry);
                return (zip, $"'{entry.Name}': header byte {i} ('{header[i]}') -> {zip[d + 10 + i]}");
            default:
                dict = dict.Replace("'shape'", "'shope'", StringComparison.Ordinal);
                what = "no 'shape' key";
                break;
        }
        if (dict.Length + 1 > length) return NpyHeader(r); // does not fit the header's padding: another draw
        string edited = dict.PadRight(length - 1) + "\n";
        Encoding.Latin1.GetBytes(edited, zip.AsSpan(d + 10, length));
        layout.FixCrc(zip, entry);
        return (zip, $"'{entry.Name}': {what}");
    }

    /// <summary><paramref name="text"/> with what lies between <paramref name="before"/> and <paramref name="after"/> replaced.</summary>
    private static string Replace(string text, string before, string after, string with)
    {
        int start = text.IndexOf(before, StringComparison.Ordinal) + before.Length;
        int end = text.IndexOf(after, start, StringComparison.Ordinal);
        return text[..start] + with + text[end..];
    }

    /// <summary>The zip records or the file as a whole.</summary>
    private static (byte[], string) Zip(Random r, byte[] original, bool compressed)
    {
        string how = compressed ? "deflated" : "stored";
        byte[] zip = original.ToArray();
        var layout = ZipLayout.Read(zip);
        ZipLayout.Entry entry = layout.Entries[r.Next(layout.Entries.Count)];
        switch (r.Next(9))
        {
            case 0:
            {
                var (offset, size, name) = ZipLayout.LocalFields[r.Next(ZipLayout.LocalFields.Length)];
                return (zip, $"{how}: '{entry.Name}' local {name} {SetField(zip, entry.Local + offset, size, r)}");
            }
            case 1:
            {
                var (offset, size, name) = ZipLayout.CentralFields[r.Next(ZipLayout.CentralFields.Length)];
                return (zip, $"{how}: '{entry.Name}' central {name} {SetField(zip, entry.Central + offset, size, r)}");
            }
            case 2:
            {
                var (offset, size, name) = ZipLayout.EndFields[r.Next(ZipLayout.EndFields.Length)];
                return (zip, $"{how}: end record {name} {SetField(zip, layout.End + offset, size, r)}");
            }
            case 3:
                int flips = r.Next(1, 5);
                for (int f = 0; f < flips; f++) zip[r.Next(zip.Length)] ^= (byte)(1 << r.Next(8));
                return (zip, $"{how}: {flips} random bit flips");
            case 4:
                // Near the end half the time: the central directory and end record are read first.
                int cut = r.Next(2) == 0 ? r.Next(zip.Length) : r.Next(layout.CentralStart, zip.Length);
                return (zip[..cut], $"{how}: truncated to {cut} of {zip.Length} bytes");
            case 5:
                byte[] garbage = new byte[r.Next(1, 200)];
                r.NextBytes(garbage);
                return r.Next(2) == 0 ? ([.. garbage, .. zip], $"{how}: {garbage.Length} bytes before") : ([.. zip, .. garbage], $"{how}: {garbage.Length} bytes after");
            case 6:
                // Within the entry's data: in a deflated archive, the deflate stream.
                int at = entry.Data + r.Next(Math.Max(1, entry.CompressedSize));
                zip[at] ^= (byte)(1 << r.Next(8));
                return (zip, $"{how}: '{entry.Name}' data byte {at - entry.Data} flipped");
            case 7:
                var same = layout.Entries.Where(e => e != entry && e.Name.Length == entry.Name.Length).ToList();
                if (same.Count == 0) goto case 3;
                ZipLayout.Entry twin = same[r.Next(same.Count)];
                byte[] name2 = Encoding.UTF8.GetBytes(twin.Name);
                name2.CopyTo(zip, entry.Central + 46);
                name2.CopyTo(zip, entry.Local + 30);
                return (zip, $"{how}: '{entry.Name}' renamed '{twin.Name}' (two entries of one name)");
            default:
                int start = r.Next(zip.Length), count = Math.Min(zip.Length - start, r.Next(1, 4096));
                zip.AsSpan(start, count).Fill(r.Next(2) == 0 ? (byte)0 : (byte)0xFF);
                return (zip, $"{how}: {count} bytes from {start} overwritten");
        }
    }

    /// <summary>Sets a little-endian field to a value chosen to break it: 0, all ones, one off, or random.</summary>
    private static string SetField(byte[] zip, int at, int size, Random r)
    {
        ulong old = size == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at)) : BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at));
        ulong max = size == 2 ? ushort.MaxValue : uint.MaxValue;
        ulong value = r.Next(5) switch
        {
            0 => 0,
            1 => max,
            2 => (old + 1) & max,
            3 => (old - 1) & max,
            _ => (ulong)r.NextInt64((long)max + 1),
        };
        if (size == 2) BinaryPrimitives.WriteUInt16LittleEndian(zip.AsSpan(at), (ushort)value);
        else BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(at), (uint)value);
        return $"{old} -> {value}";
    }
}
