using Xunit;

namespace NativeConv.Testing;

/// <summary>
/// A tmpfs of the test's own on a new temporary directory, for the failures a file system gives that root's
/// permissions do not (root writes through chmod): read-only, full. Needs root (a skip without it, a failure under
/// CI); unmounted and removed when disposed.
/// </summary>
public sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string path) => Path = path;

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>Mounts a tmpfs with <paramref name="options"/> (as <c>mount -o</c> takes them, e.g. <c>size=64k</c>).</summary>
    public static TmpfsMount Create(string options)
    {
        string path = Directory.CreateTempSubdirectory("nativeconv-tmpfs-").FullName;
        var (exit, _, error) = Command.Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", path);
        if (exit != 0) Directory.Delete(path);
        Prerequisite.Require(exit == 0, $"mount -t tmpfs -o {options} (needs root): {error.Trim()}");
        return new TmpfsMount(path);
    }

    /// <summary>Changes the mount's options in place (e.g. <c>ro</c> once its files are written).</summary>
    public void Remount(string options)
    {
        var (exit, _, error) = Command.Run("mount", "-o", "remount," + options, Path);
        Assert.True(exit == 0, $"mount -o remount,{options} {Path}: {error}");
    }

    public void Dispose()
    {
        var (exit, _, error) = Command.Run("umount", Path);
        Assert.True(exit == 0, $"umount {Path}: {error}");
        Directory.Delete(Path);
    }
}
