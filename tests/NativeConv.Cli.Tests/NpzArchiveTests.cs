using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using NativeConv.Npy;
using Xunit;

namespace NativeConv.Cli.Tests;

/// <summary>
/// .npz archives as NumPy writes a PyTorch state_dict (np.savez / np.savez_compressed): through
/// NpzWriter and back, written and read by Debian's NumPy, and every way one can be wrong. Missing
/// NumPy is a visible skip, except under CI (CI=true), where build/test.sh installs it.
/// </summary>
public sealed class NpzArchiveTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nativeconv-npz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static float[] Ramp(int count) => Enumerable.Range(0, count).Select(i => i * 0.5f - 3).ToArray();

    /// <summary>A miniature state_dict: a conv weight, a BatchNorm with its int64 counter, a classifier bias.</summary>
    private string WriteStateDict(bool compressed)
    {
        string path = PathOf(compressed ? "compressed.npz" : "stored.npz");
        NpzWriter.Save(path, writer =>
        {
            writer.Write("features.0.0.weight", new NpyArray([4, 3, 3, 3], Ramp(108)));
            writer.Write("features.0.1.running_var", new NpyArray([4], [0.5f, 1, 1.25f, 1.5f]));
            writer.WriteInt64Scalar("features.0.1.num_batches_tracked", 12345678901);
            writer.Write("classifier.1.bias", new NpyArray([10], Ramp(10)));
            writer.Write("scalar", new NpyArray([], [2.5f]));
        }, compressed);
        return path;
    }

    /// <summary>
    /// What StateDictFuzzTests' end-record mutations reach (the fix came with its WIP): .NET reads the central directory
    /// when the entries are first listed, not when the archive opens, and a broken central header escaped as
    /// InvalidDataException instead of the reader's NpyFormatException.
    /// </summary>
    [Fact]
    public void A_central_directory_that_cannot_be_read_is_refused_naming_the_file()
    {
        string path = WriteStateDict(compressed: false);
        byte[] zip = File.ReadAllBytes(path);
        int end = zip.Length - 22; // the end record, with no comment, as NpzWriter writes it
        Assert.Equal(0x06054b50u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end)));
        int central = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end + 16));
        zip[central] ^= 0xFF; // the first central header's signature
        File.WriteAllBytes(path, zip);
        var e = Assert.Throws<NpyFormatException>(() => NpzArchive.Open(path));
        Assert.Equal(path, e.Path);
        Assert.Contains("the zip's central directory cannot be read", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Writer_then_archive_give_back_every_entry_in_order(bool compressed)
    {
        using NpzArchive archive = NpzArchive.Open(WriteStateDict(compressed));
        Assert.Equal(["features.0.0.weight", "features.0.1.running_var", "features.0.1.num_batches_tracked", "classifier.1.bias", "scalar"], archive.Keys);
        Assert.True(archive.ContainsKey("scalar"));
        Assert.False(archive.ContainsKey("scalar.npy"));

        NpyHeader counter = archive.Header("features.0.1.num_batches_tracked");
        Assert.Equal("<i8", counter.Descr);
        Assert.Equal("int64", counter.DtypeName);
        Assert.Empty(counter.Shape);
        Assert.False(counter.IsReadableAsFloat32);
        Assert.Equal("int64 ()", counter.ToString());
        Assert.Equal("float32 (4, 3, 3, 3)", archive.Header("features.0.0.weight").ToString());

        Assert.Equal(Ramp(108), archive.ReadFloat32("features.0.0.weight", [4, 3, 3, 3]));
        Assert.Equal([0.5f, 1, 1.25f, 1.5f], archive.ReadFloat32("features.0.1.running_var", [4]));
        Assert.Equal([2.5f], archive.ReadFloat32("scalar", []));
        NpyArray bias = archive.ReadArray("classifier.1.bias");
        Assert.Equal([10], bias.Shape);
        Assert.Equal(Ramp(10), bias.Data);
    }

    [Fact]
    public void Writer_stores_like_savez_and_deflates_like_savez_compressed()
    {
        using ZipArchive stored = ZipFile.OpenRead(WriteStateDict(compressed: false));
        using ZipArchive deflated = ZipFile.OpenRead(WriteStateDict(compressed: true));
        ZipArchiveEntry plain = stored.GetEntry("features.0.0.weight.npy")!, packed = deflated.GetEntry("features.0.0.weight.npy")!;
        Assert.Equal(128 + 108 * 4, plain.Length); // header padded to 64 bytes, then the data
        Assert.Equal(plain.Length, plain.CompressedLength);
        Assert.True(packed.CompressedLength < packed.Length, $"deflated entry is {packed.CompressedLength} bytes of {packed.Length}");
    }

    [Fact]
    public void Writer_refuses_a_key_twice_and_an_empty_key()
    {
        using var writer = new NpzWriter(new MemoryStream());
        writer.Write("w", new NpyArray([1], [1]));
        var twice = Assert.Throws<ArgumentException>(() => writer.WriteInt64Scalar("w", 1));
        Assert.Equal("key", twice.ParamName);
        Assert.Contains("'w' is already in", twice.Message);
        Assert.Throws<ArgumentException>(() => writer.Write("", new NpyArray([1], [1])));
    }

    [SkippableTheory]
    [InlineData("savez")]
    [InlineData("savez_compressed")]
    public void Reads_what_NumPy_writes_with_an_int64_scalar_beside_the_float32_arrays(string function)
    {
        string path = PathOf(function + ".npz");
        NumPy.Run($$"""
            import sys
            import numpy as np
            w = (np.arange(2 * 3 * 5 * 5, dtype=np.float32) * 0.25 - 7).reshape(2, 3, 5, 5)
            np.{{function}}(sys.argv[1], **{"layer.weight": w, "layer.bias": np.array([1.5, -2.0], dtype=np.float32),
                "bn.num_batches_tracked": np.array(7, dtype=np.int64), "double": np.ones((2, 2)),
                "transposed": np.asfortranarray(np.ones((2, 3), dtype=np.float32))})
            """, path);

        using NpzArchive archive = NpzArchive.Open(path);
        Assert.Equal(["layer.weight", "layer.bias", "bn.num_batches_tracked", "double", "transposed"], archive.Keys);
        Assert.Equal("int64 ()", archive.Header("bn.num_batches_tracked").ToString());
        Assert.Equal("float64 (2, 2)", archive.Header("double").ToString());
        Assert.True(archive.Header("transposed").FortranOrder);
        float[] expected = Enumerable.Range(0, 150).Select(i => i * 0.25f - 7).ToArray();
        Assert.Equal(expected, archive.ReadFloat32("layer.weight", [2, 3, 5, 5]));
        Assert.Equal([1.5f, -2f], archive.ReadFloat32("layer.bias", [2]));
        Assert.Contains("'<i8' (int64) is not supported", Assert.Throws<NpyFormatException>(() => archive.ReadFloat32("bn.num_batches_tracked", [])).Message);
        Assert.Contains("fortran_order is True", Assert.Throws<NpyFormatException>(() => archive.ReadFloat32("transposed", [2, 3])).Message);
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void NumPy_reads_what_the_writer_writes(bool compressed)
    {
        string path = WriteStateDict(compressed);
        string json = NumPy.Run("""
            import json, sys, zipfile
            import numpy as np
            with np.load(sys.argv[1]) as npz:
                arrays = {k: [str(npz[k].dtype), list(npz[k].shape), float(npz[k].astype(np.float64).sum())] for k in npz.files}
            methods = sorted({i.compress_type for i in zipfile.ZipFile(sys.argv[1]).infolist()})
            print(json.dumps({"arrays": arrays, "methods": methods}))
            """, path);
        using JsonDocument loaded = JsonDocument.Parse(json);
        // zipfile's method numbers: 0 stored (np.savez), 8 deflated (np.savez_compressed).
        Assert.Equal([compressed ? 8 : 0], loaded.RootElement.GetProperty("methods").EnumerateArray().Select(m => m.GetInt32()));
        var entries = loaded.RootElement.GetProperty("arrays").EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
        Assert.Equal(["features.0.0.weight", "features.0.1.running_var", "features.0.1.num_batches_tracked", "classifier.1.bias", "scalar"], entries.Keys);
        Assert.Equal("float32", entries["features.0.0.weight"][0].GetString());
        Assert.Equal([4, 3, 3, 3], entries["features.0.0.weight"][1].EnumerateArray().Select(d => d.GetInt32()));
        Assert.Equal(Ramp(108).Sum(v => (double)v), entries["features.0.0.weight"][2].GetDouble());
        Assert.Equal("int64", entries["features.0.1.num_batches_tracked"][0].GetString());
        Assert.Equal(0, entries["features.0.1.num_batches_tracked"][1].GetArrayLength());
        Assert.Equal(12345678901, entries["features.0.1.num_batches_tracked"][2].GetDouble());
        Assert.Equal(2.5, entries["scalar"][2].GetDouble());
    }

    [Fact]
    public void A_missing_key_names_the_key_the_file_and_the_nearest_keys()
    {
        string path = WriteStateDict(compressed: false);
        using NpzArchive archive = NpzArchive.Open(path);
        var e = Assert.Throws<KeyNotFoundException>(() => archive.Header("features.0.1.weight"));
        Assert.Contains($"{path} has no array 'features.0.1.weight' (5 keys; nearest: 'features.0.1.running_var', 'features.0.1.num_batches_tracked')", e.Message);
        Assert.Throws<KeyNotFoundException>(() => archive.ReadFloat32("nothing", [1]));
    }

    [Fact]
    public void A_wrong_shape_names_the_key_the_expected_shape_and_the_actual_one()
    {
        string path = WriteStateDict(compressed: true);
        using NpzArchive archive = NpzArchive.Open(path);
        var e = Assert.Throws<NpyShapeMismatchException>(() => archive.ReadFloat32("features.0.0.weight", [4, 1, 3, 3]));
        Assert.Equal($"{path}, entry 'features.0.0.weight': expected shape (4, 1, 3, 3), the archive has (4, 3, 3, 3)", e.Message);
        Assert.Equal("features.0.0.weight", e.Key);
        Assert.Equal([4, 1, 3, 3], e.ExpectedShape);
        Assert.Equal([4, 3, 3, 3], e.ActualShape);
        Assert.Contains("expected shape (4,), the archive has (10,)", Assert.Throws<NpyShapeMismatchException>(() => archive.ReadFloat32("classifier.1.bias", [4])).Message);
    }

    [Fact]
    public void A_wrong_dtype_names_the_key_and_says_how_to_convert()
    {
        string path = WriteStateDict(compressed: false);
        using NpzArchive archive = NpzArchive.Open(path);
        var e = Assert.Throws<NpyFormatException>(() => archive.ReadFloat32("features.0.1.num_batches_tracked", []));
        Assert.Equal("features.0.1.num_batches_tracked", e.Key);
        Assert.Equal(path, e.Path);
        Assert.Contains($"{path}, entry 'features.0.1.num_batches_tracked': dtype '<i8' (int64) is not supported", e.Message);
        Assert.Contains("x.astype('<f4')", e.Message);
        Assert.Throws<NpyFormatException>(() => archive.ReadArray("features.0.1.num_batches_tracked"));
    }

    [Fact]
    public void Not_a_zip_says_so_and_names_the_file()
    {
        string garbage = PathOf("garbage.npz");
        File.WriteAllText(garbage, "this is not a zip archive, not even close");
        var e = Assert.Throws<NpyFormatException>(() => NpzArchive.Open(garbage));
        Assert.StartsWith($"{garbage}: not a .npz archive (np.savez writes a zip file)", e.Message);

        string npy = PathOf("single.npy");
        NpyFile.Write(npy, new NpyArray([2], [1, 2]));
        Assert.Contains("not a .npz archive but a single .npy array: read it with NpyFile.Read", Assert.Throws<NpyFormatException>(() => NpzArchive.Open(npy)).Message);

        string empty = PathOf("empty.npz");
        File.WriteAllBytes(empty, []);
        Assert.Contains($"{empty}: not a .npz archive: the file is empty", Assert.Throws<NpyFormatException>(() => NpzArchive.Open(empty)).Message);

        string cut = PathOf("cut.npz");
        File.WriteAllBytes(cut, File.ReadAllBytes(WriteStateDict(compressed: false))[..300]);
        Assert.Contains($"{cut}: not a .npz archive", Assert.Throws<NpyFormatException>(() => NpzArchive.Open(cut)).Message);
    }

    [Theory]
    [InlineData(CompressionLevel.NoCompression)]
    [InlineData(CompressionLevel.Optimal)]
    public void A_truncated_or_foreign_entry_names_the_key_and_what_is_wrong(CompressionLevel level)
    {
        var npy = new MemoryStream();
        NpyFile.Write(npy, new NpyArray([2, 2], [1, 2, 3, 4]));
        byte[] whole = npy.ToArray();
        string path = PathOf("broken.npz");
        using (ZipArchive zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            void Add(string name, byte[] bytes)
            {
                using Stream entry = zip.CreateEntry(name, level).Open();
                entry.Write(bytes);
            }
            Add("short.npy", whole[..^4]);
            Add("headless.npy", whole[..20]);
            Add("text.npy", "hello"u8.ToArray());
            Add("README.txt", "not an array"u8.ToArray());
        }

        using NpzArchive archive = NpzArchive.Open(path);
        Assert.Equal(["short", "headless", "text"], archive.Keys);
        Assert.Equal("float32 (2, 2)", archive.Header("short").ToString());
        Assert.Equal($"{path}, entry 'short': shape (2, 2) needs 16 data bytes, the entry has 12",
            Assert.Throws<NpyFormatException>(() => archive.ReadFloat32("short", [2, 2])).Message);
        Assert.Contains("entry 'headless': entry ends inside the header", Assert.Throws<NpyFormatException>(() => archive.Header("headless")).Message);
        Assert.Contains("entry 'text': not a .npy entry", Assert.Throws<NpyFormatException>(() => archive.ReadArray("text")).Message);
    }

    [Fact]
    public void A_forward_only_stream_is_refused_rather_than_copied_into_memory()
    {
        var e = Assert.Throws<ArgumentException>(() => NpzArchive.Open(new ForwardOnlyStream(), "pipe.npz"));
        Assert.Equal("stream", e.ParamName);
        Assert.Contains("pipe.npz", e.Message);
    }

    [Fact]
    public void An_archive_in_memory_reads_like_a_file_and_refuses_use_after_dispose()
    {
        var memory = new MemoryStream(File.ReadAllBytes(WriteStateDict(compressed: true)));
        NpzArchive archive = NpzArchive.Open(memory, "memory.npz");
        Assert.Equal(Ramp(10), archive.ReadFloat32("classifier.1.bias", [10]));
        archive.Dispose();
        archive.Dispose();
        Assert.Throws<ObjectDisposedException>(() => archive.Header("scalar"));
        Assert.False(memory.CanRead);
    }

    private sealed class ForwardOnlyStream : MemoryStream
    {
        public override bool CanSeek => false;
    }

    /// <summary>Debian's NumPy (the interpreter TorchPeer uses), run on a script given inline.</summary>
    private static class NumPy
    {
        private static readonly Lazy<string?> Unavailable = new(() =>
        {
            try
            {
                (int code, _, string stderr) = Start("import numpy");
                return code == 0 ? null : $"{TorchPeer.Python} cannot import numpy: {stderr.Trim().Split('\n').LastOrDefault()}";
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or FileNotFoundException)
            {
                return $"{TorchPeer.Python} cannot be started: {e.Message}";
            }
        });

        /// <summary>Runs the script with its arguments and returns its standard output; a failing script fails the test.</summary>
        public static string Run(string script, params string[] args)
        {
            if (Unavailable.Value is { } why)
            {
                if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
                    throw new InvalidOperationException($"NumPy unavailable under CI, where build/test.sh installs python3-numpy: {why}");
                Skip.If(true, $"NumPy unavailable (apt-get install python3-numpy): {why}");
            }
            (int code, string stdout, string stderr) = Start(script, args);
            Assert.True(code == 0, $"{TorchPeer.Python} exited with {code}:\n{stderr}");
            return stdout;
        }

        private static (int Code, string Stdout, string Stderr) Start(string script, params string[] args)
        {
            var start = new ProcessStartInfo(TorchPeer.Python, ["-c", script, .. args]) { RedirectStandardError = true, RedirectStandardOutput = true };
            using Process process = Process.Start(start)!;
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout, stderr.Result);
        }
    }
}
