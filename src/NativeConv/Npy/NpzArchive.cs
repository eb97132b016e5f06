using System.IO.Compression;

namespace NativeConv.Npy;

/// <summary>
/// A NumPy <c>.npz</c> archive opened for reading: a zip file whose entries are <c>.npy</c> arrays
/// named <c>&lt;key&gt;.npy</c>, stored by <c>np.savez</c> and deflated by <c>np.savez_compressed</c>.
/// A PyTorch state_dict saved as <c>np.savez(path, **{k: v.numpy() for k, v in sd.items()})</c> is one.
/// </summary>
/// <remarks>
/// Opening reads only the zip's central directory; a header or an array is read from its entry when
/// asked for, so a whole model's weights are never in memory at once. Every entry can be listed with
/// its dtype and shape (<see cref="Header"/>), whatever the dtype; only float32 arrays are converted.
/// Entries whose names do not end in <c>.npy</c> are not arrays and are not listed. Not thread-safe:
/// the entries share one file stream.
/// </remarks>
public sealed class NpzArchive : IDisposable
{
    private const string EntrySuffix = ".npy";

    private readonly ZipArchive _zip;
    private readonly string[] _keys;
    private readonly Dictionary<string, ZipArchiveEntry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NpyHeader> _headers = new(StringComparer.Ordinal);
    private readonly Stream? _ownedStream;
    private bool _disposed;

    private NpzArchive(ZipArchive zip, Stream? ownedStream, string path)
    {
        _zip = zip;
        _ownedStream = ownedStream;
        Path = path;
        var keys = new List<string>();
        foreach (ZipArchiveEntry entry in zip.Entries)
        {
            if (!entry.FullName.EndsWith(EntrySuffix, StringComparison.Ordinal)) continue;
            string key = entry.FullName[..^EntrySuffix.Length];
            if (!_entries.TryAdd(key, entry))
                throw new NpyFormatException(path, key, $"the archive has two entries named '{entry.FullName}'");
            keys.Add(key);
        }
        _keys = keys.ToArray();
    }

    /// <summary>Opens the <c>.npz</c> file at <paramref name="path"/>, reading only its table of contents.</summary>
    /// <exception cref="NpyFormatException">The file is not a zip archive (the message says when it is a single .npy array instead).</exception>
    public static NpzArchive Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Open(File.OpenRead(path), path, leaveOpen: false);
    }

    /// <summary>
    /// Opens a <c>.npz</c> archive held in <paramref name="stream"/>, which must be seekable (a zip is read
    /// from its end; <see cref="ZipArchive"/> would copy a forward-only stream into memory whole).
    /// <paramref name="path"/> names the archive in errors. Unless <paramref name="leaveOpen"/>, the archive
    /// owns the stream, also when opening fails.
    /// </summary>
    public static NpzArchive Open(Stream stream, string path, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            if (!stream.CanSeek)
                throw new ArgumentException($"the stream for {path} cannot seek; a .npz archive is read from its end, so pass a file or memory stream", nameof(stream));
            ZipArchive zip;
            try
            {
                zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            }
            catch (InvalidDataException e)
            {
                throw new NpyFormatException(path, NotAZip(stream, e));
            }
            try
            {
                return new NpzArchive(zip, leaveOpen ? null : stream, path);
            }
            catch (InvalidDataException e)
            {
                // The central directory is read when the entries are first listed, not when the archive is opened.
                zip.Dispose();
                throw new NpyFormatException(path, $"the zip's central directory cannot be read: {e.Message}");
            }
            catch
            {
                zip.Dispose();
                throw;
            }
        }
        catch
        {
            if (!leaveOpen) stream.Dispose();
            throw;
        }
    }

    /// <summary>The archive's file name (or the name given to <see cref="Open(Stream, string, bool)"/>), as errors name it.</summary>
    public string Path { get; }

    /// <summary>The array names (entry names without <c>.npy</c>) in archive order, which <c>np.savez</c> keeps from the dict it is given.</summary>
    public IReadOnlyList<string> Keys => _keys;

    /// <summary>Whether the archive has an array named <paramref name="key"/>.</summary>
    public bool ContainsKey(string key) => _entries.ContainsKey(key);

    /// <summary>The dtype, order and shape of the array <paramref name="key"/>, read from its entry's header without converting anything.</summary>
    /// <exception cref="KeyNotFoundException">The archive has no such array; the message names the key, the file and the nearest keys.</exception>
    /// <exception cref="NpyFormatException">The entry is not a .npy array or cannot be decompressed.</exception>
    public NpyHeader Header(string key)
    {
        ZipArchiveEntry entry = Entry(key);
        if (_headers.TryGetValue(key, out NpyHeader? cached)) return cached;
        NpyHeader header = ReadEntry(entry, key, NpyHeader.Read);
        _headers.Add(key, header);
        return header;
    }

    /// <summary>
    /// The float32 array <paramref name="key"/>, whose shape must be <paramref name="expectedShape"/>,
    /// as its values in C order. The shape is checked from the header before any data is read.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The archive has no such array.</exception>
    /// <exception cref="NpyShapeMismatchException">The array has another shape; the message names the key and both shapes.</exception>
    /// <exception cref="NpyFormatException">The array is not little-endian float32 in C order (the message says how to convert it), or its entry is truncated, padded or corrupt.</exception>
    public float[] ReadFloat32(string key, ReadOnlySpan<int> expectedShape)
    {
        NpyHeader header = Header(key);
        header.RequireFloat32(new NpySource(Path, key));
        if (!expectedShape.SequenceEqual(header.ShapeSpan))
            throw new NpyShapeMismatchException(Path, key, expectedShape.ToArray(), header.Shape);
        return ReadArray(key).Data;
    }

    /// <summary>The float32 array <paramref name="key"/> with whatever shape it has.</summary>
    /// <exception cref="KeyNotFoundException">The archive has no such array.</exception>
    /// <exception cref="NpyFormatException">The array is not little-endian float32 in C order, or its entry is truncated, padded or corrupt.</exception>
    public NpyArray ReadArray(string key) => ReadEntry(Entry(key), key, NpyFile.ReadFloat32);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _zip.Dispose();
        _ownedStream?.Dispose();
    }

    private ZipArchiveEntry Entry(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _entries.TryGetValue(key, out ZipArchiveEntry? entry) ? entry
            : throw new KeyNotFoundException($"{Path} has no array '{key}' ({_keys.Length} keys{Nearest(key)})");
    }

    private T ReadEntry<T>(ZipArchiveEntry entry, string key, Func<Stream, NpySource, T> read)
    {
        var source = new NpySource(Path, key);
        try
        {
            using Stream stream = entry.Open();
            return read(stream, source);
        }
        catch (InvalidDataException e)
        {
            // A bad deflate stream, a CRC mismatch or an unsupported compression method.
            throw source.Problem($"the entry cannot be read from the zip: {e.Message}");
        }
    }

    /// <summary>The keys sharing the longest prefix with a missing one: usually the naming scheme the caller expected.</summary>
    private string Nearest(string key)
    {
        if (_keys.Length == 0) return "";
        int Common(string k)
        {
            int n = 0;
            while (n < k.Length && n < key.Length && k[n] == key[n]) n++;
            return n;
        }
        int best = _keys.Max(Common);
        return best == 0 ? "" : "; nearest: " + string.Join(", ", _keys.Where(k => Common(k) == best).Take(5).Select(k => $"'{k}'"));
    }

    private static string NotAZip(Stream stream, InvalidDataException e)
    {
        if (stream.Length == 0) return "not a .npz archive: the file is empty";
        Span<byte> start = stackalloc byte[6];
        stream.Position = 0;
        bool npy = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false) == start.Length &&
            start.SequenceEqual(NpyHeader.Magic);
        return npy ? "not a .npz archive but a single .npy array: read it with NpyFile.Read"
            : $"not a .npz archive (np.savez writes a zip file): {e.Message}";
    }
}
