using System.IO.Pipes;
using Microsoft.Win32.SafeHandles;
using System.Runtime.Versioning;
using NativeConv.Npy;
using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// <see cref="OutputFile"/>, mostly through <see cref="NpyFile.Write(string, NpyArray)"/> as users reach it: a symlink's
/// final target replaced whole and the link kept; a device or FIFO written in place and left what it was; every
/// failure (no space, read-only, broken pipe, missing directory, the content's own) naming the user's path with the
/// system's reason, leaving the old file as it was and no temporary file. Devices are never written through their
/// /dev path: see <see cref="FileNodes.FullDevice"/>.
/// </summary>
[UnsupportedOSPlatform("windows")] // symlinks, FIFOs, devices and mounts as Unix has them
public sealed class OutputFileTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly string _dir = Directory.CreateTempSubdirectory("nativeconv-output-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static NpyArray Ramp(int count) => new([count], Enumerable.Range(0, count).Select(i => (float)i).ToArray());

    /// <summary>The bytes of <paramref name="array"/> as a .npy file.</summary>
    private static byte[] Npy(NpyArray array)
    {
        var bytes = new MemoryStream();
        NpyFile.Write(bytes, array);
        return bytes.ToArray();
    }

    /// <summary>Every name in <paramref name="directory"/>, hidden ones (a temporary file) included.</summary>
    private static string[] Entries(string directory) => Directory.GetFileSystemEntries(directory).Select(e => Path.GetFileName(e)).Order(StringComparer.Ordinal).ToArray();

    private string Subdirectory(string name) => Directory.CreateDirectory(Path.Combine(_dir, name)).FullName;

    /// <summary>Writing <paramref name="array"/> over the file <paramref name="path"/> (holding Ramp(3)) fails for <paramref name="reason"/>; the file stays, with only <paramref name="entries"/> beside it.</summary>
    private static void AssertRefusedLeavingTheFile(string path, NpyArray array, string reason, params string[] entries)
    {
        var e = Assert.Throws<IOException>(() => NpyFile.Write(path, array));
        Assert.Equal($"{path}: {reason}", e.Message);
        Assert.Equal(Npy(Ramp(3)), File.ReadAllBytes(path));
        Assert.Equal(entries, Entries(Path.GetDirectoryName(path)!));
    }

    [SkippableFact]
    public void A_symlink_to_a_full_device_reports_no_space_naming_the_link_and_both_stay_what_they_were()
    {
        string device = FileNodes.FullDevice(_dir);
        // The guard: nothing but a character device is ever written to here.
        Assert.Equal("character special file", FileNodes.Kind(device));
        string link = Path.Combine(_dir, "y.npy");
        File.CreateSymbolicLink(link, device);

        var e = Assert.Throws<IOException>(() => NpyFile.Write(link, Ramp(10)));
        Assert.Equal($"{link}: No space left on device", e.Message);
        Assert.Equal("character special file", FileNodes.Kind(device));
        Assert.Equal("character special file", FileNodes.Kind("/dev/full"));
        Assert.Equal("symbolic link", FileNodes.Kind(link));
        Assert.Equal(device, new FileInfo(link).LinkTarget);
        Assert.Equal(device.StartsWith(_dir, StringComparison.Ordinal) ? ["full", "y.npy"] : ["y.npy"], Entries(_dir));
    }

    [Fact]
    public void A_chain_of_symlinks_has_its_final_file_replaced_whole_and_stays_a_chain()
    {
        string links = Subdirectory("links"), files = Subdirectory("files");
        string file = Path.Combine(files, "y.npy"), hop = Path.Combine(links, "hop"), link = Path.Combine(links, "y.npy");
        NpyFile.Write(file, Ramp(3));
        File.CreateSymbolicLink(hop, "../files/y.npy"); // relative, as ln -s makes them
        File.CreateSymbolicLink(link, "hop");
        using FileStream oldReader = File.OpenRead(file);

        NpyFile.Write(link, Ramp(5));

        Assert.Equal(Npy(Ramp(5)), File.ReadAllBytes(file));
        // Replaced by a rename, not rewritten in place: a reader that had the old file open still reads all of it.
        var old = new MemoryStream();
        oldReader.CopyTo(old);
        Assert.Equal(Npy(Ramp(3)), old.ToArray());
        Assert.Equal("hop", new FileInfo(link).LinkTarget);
        Assert.Equal("../files/y.npy", new FileInfo(hop).LinkTarget);
        Assert.Equal(["hop", "y.npy"], Entries(links));
        Assert.Equal(["y.npy"], Entries(files));
    }

    [Fact]
    public void A_dangling_symlink_has_its_target_made()
    {
        string target = Path.Combine(Subdirectory("files"), "new.npy"), link = Path.Combine(_dir, "y.npy");
        File.CreateSymbolicLink(link, target);

        NpyFile.Write(link, Ramp(4));

        Assert.Equal(Npy(Ramp(4)), File.ReadAllBytes(target));
        Assert.Equal(target, new FileInfo(link).LinkTarget);
    }

    [Fact]
    public async Task A_fifo_whose_reader_leaves_early_reports_the_broken_pipe_naming_the_fifo()
    {
        string fifo = FileNodes.MakeFifo(Path.Combine(_dir, "y.npy"));
        Task reader = Task.Run(() =>
        {
            using var stream = new FileStream(fifo, FileMode.Open, FileAccess.Read);
            stream.ReadExactly(new byte[16]);
        });
        // 4 MB: far more than a pipe holds, so the writer is still writing when the reader leaves.
        Task writer = Task.Run(() => NpyFile.Write(fifo, Ramp(1 << 20)));

        var e = await Assert.ThrowsAsync<IOException>(() => writer.WaitAsync(Patience));
        Assert.Equal($"{fifo}: Broken pipe", e.Message);
        await reader.WaitAsync(Patience);
        Assert.Equal("fifo", FileNodes.Kind(fifo));
        Assert.Equal(["y.npy"], Entries(_dir));
    }

    [Fact]
    public async Task A_fifo_read_to_its_end_gets_exactly_the_npy_bytes_and_stays_a_fifo()
    {
        string fifo = FileNodes.MakeFifo(Path.Combine(_dir, "y.npy"));
        NpyArray array = Ramp(100_000); // more than a pipe holds: written while the reader reads
        Task<byte[]> reader = Task.Run(() =>
        {
            using var stream = new FileStream(fifo, FileMode.Open, FileAccess.Read);
            var bytes = new MemoryStream();
            stream.CopyTo(bytes);
            return bytes.ToArray();
        });

        await Task.Run(() => NpyFile.Write(fifo, array)).WaitAsync(Patience);

        Assert.Equal(Npy(array), await reader.WaitAsync(Patience));
        Assert.Equal("fifo", FileNodes.Kind(fifo));
        Assert.Equal(["y.npy"], Entries(_dir));
    }

    [Fact]
    public async Task A_pipe_reached_through_a_link_that_names_no_file_is_written_in_place()
    {
        // As /dev/stdout is when stdout is a pipe: /proc/self/fd/N links to "pipe:[inode]", which names no file.
        using var pipe = new AnonymousPipeServerStream(PipeDirection.In);
        using SafePipeHandle writeEnd = pipe.ClientSafePipeHandle; // closed first, so a reader still waiting sees the end
        string path = $"/proc/self/fd/{writeEnd.DangerousGetHandle()}";
        NpyArray array = Ramp(100_000);
        Task<byte[]> reader = Task.Run(() =>
        {
            var bytes = new byte[Npy(array).Length];
            pipe.ReadExactly(bytes);
            return bytes;
        });

        await Task.Run(() => NpyFile.Write(path, array)).WaitAsync(Patience);

        Assert.Equal(Npy(array), await reader.WaitAsync(Patience));
    }

    [SkippableFact]
    public void A_read_only_file_system_reports_the_path_and_the_file_stays_as_it_was()
    {
        using var mount = TmpfsMount.Create("size=1m");
        string path = Path.Combine(mount.Path, "y.npy");
        NpyFile.Write(path, Ramp(3));
        mount.Remount("ro");

        AssertRefusedLeavingTheFile(path, Ramp(5), "Read-only file system", "y.npy");
    }

    [SkippableFact]
    public void A_full_file_system_reports_no_space_naming_the_path_and_the_file_stays_as_it_was()
    {
        using var mount = TmpfsMount.Create("size=64k");
        string path = Path.Combine(mount.Path, "y.npy");
        NpyFile.Write(path, Ramp(3));

        AssertRefusedLeavingTheFile(path, Ramp(64 * 1024), "No space left on device", "y.npy"); // 256 KiB
    }

    [SkippableFact]
    public void No_space_reported_only_when_the_data_is_flushed_is_a_failure_too()
    {
        using var mount = TmpfsMount.Create("size=64k");
        string path = Path.Combine(mount.Path, "y.npy");
        NpyFile.Write(path, Ramp(3));
        using (var filler = new FileStream(Path.Combine(mount.Path, "filler"), FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            Assert.Throws<IOException>(() => { for (int page = 0; page < 1000; page++) filler.Write(new byte[4096]); });

        // 144 bytes: they wait in the stream's buffer, so the disk is first asked for space by the flush.
        AssertRefusedLeavingTheFile(path, Ramp(4), "No space left on device", "filler", "y.npy");
    }

    [Fact]
    public void A_missing_directory_is_named_not_the_temporary_file()
    {
        string directory = Path.Combine(_dir, "no", "such"), path = Path.Combine(directory, "y.npy");

        var e = Assert.Throws<DirectoryNotFoundException>(() => NpyFile.Write(path, Ramp(3)));
        Assert.Equal($"{path}: directory '{directory}' does not exist", e.Message);
        Assert.Empty(Entries(_dir));
    }

    [Fact]
    public void A_file_where_a_directory_should_be_is_named()
    {
        string blocker = Path.Combine(_dir, "a-file"), path = Path.Combine(blocker, "sub", "y.npy");
        File.WriteAllText(blocker, "a file where a directory would be");

        var e = Assert.Throws<DirectoryNotFoundException>(() => NpyFile.Write(path, Ramp(3)));
        Assert.Equal($"{path}: '{blocker}' is not a directory", e.Message);
        Assert.Equal(["a-file"], Entries(_dir));
    }

    [Fact]
    public void A_directory_is_not_replaced()
    {
        string directory = Subdirectory("y.npy");

        var e = Assert.Throws<IOException>(() => NpyFile.Write(directory, Ramp(3)));
        Assert.Equal($"{directory}: is a directory", e.Message);
        Assert.Empty(Entries(directory));
    }

    [Fact]
    public void Content_that_fails_leaves_the_old_file_and_no_temporary_one()
    {
        string path = Path.Combine(_dir, "y.npy");
        NpyFile.Write(path, Ramp(3));

        var e = Assert.Throws<InvalidOperationException>(() => OutputFile.Write(path, stream =>
        {
            stream.Write(new byte[10_000]);
            throw new InvalidOperationException("the content failed");
        }));
        Assert.Equal("the content failed", e.Message);
        Assert.Equal(Npy(Ramp(3)), File.ReadAllBytes(path));
        Assert.Equal(["y.npy"], Entries(_dir));
    }

    [Fact]
    public void An_npz_whose_arrays_fail_is_not_made_and_the_error_names_it()
    {
        string path = Path.Combine(_dir, "w.npz");

        var e = Assert.Throws<ArgumentException>(() => NpzWriter.Save(path, npz =>
        {
            npz.Write("w", Ramp(3));
            npz.Write("w", Ramp(3));
        }));
        Assert.Contains($"'w' is already in {path}", e.Message);
        Assert.Empty(Entries(_dir));
    }

    [Fact]
    public void A_replaced_file_keeps_its_permissions()
    {
        string path = Path.Combine(_dir, "y.npy");
        NpyFile.Write(path, Ramp(3));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        NpyFile.Write(path, Ramp(5));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(Npy(Ramp(5)), File.ReadAllBytes(path));
    }

    [Fact]
    public void A_plan_file_gets_its_directory_made_or_says_why_not()
    {
        string path = Path.Combine(_dir, "plans", "p.json");
        Assert.Null(OutputFile.TryWriteText(path, "{}", makeDirectory: true));
        Assert.Equal("{}", File.ReadAllText(path));

        string blocker = Path.Combine(_dir, "a-file"), blocked = Path.Combine(blocker, "plans", "p.json");
        File.WriteAllText(blocker, "a file where the plan directory would be");
        Assert.Equal($"{blocked}: '{blocker}' is not a directory", OutputFile.TryWriteText(blocked, "{}", makeDirectory: true));
    }
}
