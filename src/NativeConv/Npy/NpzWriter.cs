using System.Buffers.Binary;
using System.IO.Compression;

namespace NativeConv.Npy;

/// <summary>
/// Writes a NumPy <c>.npz</c> archive that <c>np.load</c> and <see cref="NpzArchive"/> read: float32
/// arrays, and int64 scalars such as a state_dict's <c>num_batches_tracked</c>, each as an entry
/// <c>&lt;key&gt;.npy</c>. Stored like <c>np.savez</c> or deflated like <c>np.savez_compressed</c>.
/// Meant for building test archives without Python: <see cref="Save"/> writes a file; on a stream, the archive is
/// complete once disposed.
/// </summary>
public sealed class NpzWriter : IDisposable
{
    // np.savez's zipfile entries carry this date too (zipfile.ZipInfo's default): the same arrays give the same bytes.
    private static readonly DateTimeOffset EntryTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly ZipArchive _zip;
    private readonly CompressionLevel _level;
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly string _name;

    /// <summary>Writes into <paramref name="stream"/>; <paramref name="compressed"/> deflates the entries as <c>np.savez_compressed</c> does.</summary>
    public NpzWriter(Stream stream, bool compressed = false, bool leaveOpen = false)
        : this(stream, compressed, leaveOpen, stream is FileStream file ? file.Name : "the .npz stream")
    {
    }

    private NpzWriter(Stream stream, bool compressed, bool leaveOpen, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen);
        _level = compressed ? CompressionLevel.Optimal : CompressionLevel.NoCompression;
        _name = name;
    }

    /// <summary>
    /// Writes the <c>.npz</c> file <paramref name="path"/> with the arrays <paramref name="arrays"/> adds: whole or not
    /// at all (a device, FIFO or socket is written in place; a symlink's target is replaced). The archive streams to
    /// the file as it is written; when <paramref name="arrays"/> throws, the file is left as it was.
    /// </summary>
    /// <exception cref="IOException">The file could not be written; the message names <paramref name="path"/> and the system's reason.</exception>
    public static void Save(string path, Action<NpzWriter> arrays, bool compressed = false)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        OutputFile.Write(path, stream =>
        {
            // Not disposed when arrays throws: finishing the archive would only write more into a file about to be
            // deleted, and a second failure there would hide the first.
            var writer = new NpzWriter(stream, compressed, leaveOpen: true, path);
            arrays(writer);
            writer.Dispose();
        });
    }

    /// <summary>Adds the float32 array <paramref name="array"/> as <c>&lt;key&gt;.npy</c>.</summary>
    /// <exception cref="ArgumentException">The key is empty or already written.</exception>
    public void Write(string key, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        using Stream entry = NewEntry(key);
        NpyFile.Write(entry, array);
    }

    /// <summary>Adds a 0-dimensional int64 array, as PyTorch's BatchNorm keeps <c>num_batches_tracked</c>.</summary>
    /// <exception cref="ArgumentException">The key is empty or already written.</exception>
    public void WriteInt64Scalar(string key, long value)
    {
        using Stream entry = NewEntry(key);
        new NpyHeader(NpyHeader.Int64Descr, fortranOrder: false, []).Write(entry);
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        entry.Write(bytes);
    }

    /// <summary>Writes the zip's central directory: the archive is not readable before this.</summary>
    public void Dispose() => _zip.Dispose();

    private Stream NewEntry(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (!_keys.Add(key)) throw new ArgumentException($"'{key}' is already in {_name}; each key is written once", nameof(key));
        ZipArchiveEntry entry = _zip.CreateEntry(key + ".npy", _level);
        entry.LastWriteTime = EntryTime;
        return entry.Open();
    }
}
