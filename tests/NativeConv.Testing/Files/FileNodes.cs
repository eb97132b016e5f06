namespace NativeConv.Testing;

/// <summary>The files an output path may name besides a regular one (FIFOs, devices), and what kind a path is.</summary>
public static class FileNodes
{
    /// <summary>What <c>stat</c> calls the file at <paramref name="path"/> itself (a link is not followed): "fifo", "symbolic link", "character special file", ...</summary>
    public static string Kind(string path)
    {
        var (exit, output, error) = Command.Run("stat", "-c", "%F", path);
        return exit == 0 ? output.Trim() : $"stat failed: {error.Trim()}";
    }

    public static string MakeFifo(string path)
    {
        var (exit, _, error) = Command.Run("mkfifo", path);
        if (exit != 0) throw new InvalidOperationException($"mkfifo {path}: {error}");
        return path;
    }

    /// <summary>
    /// A character device that refuses every write with ENOSPC, as /dev/full does. As root, a node of the test's own in
    /// <paramref name="directory"/> with /dev/full's device numbers: a writer that wrongly renamed over it would
    /// replace that node, never the machine's /dev/full. Otherwise /dev/full itself, which such a writer could not
    /// replace (no write permission to /dev).
    /// </summary>
    public static string FullDevice(string directory)
    {
        if (!Environment.IsPrivilegedProcess) return "/dev/full";
        var (exit, numbers, error) = Command.Run("stat", "-c", "%t %T", "/dev/full"); // major and minor, in hex
        if (exit != 0) throw new InvalidOperationException($"stat /dev/full: {error}");
        string[] hex = numbers.Split(' ', StringSplitOptions.TrimEntries);
        string node = Path.Combine(directory, "full");
        (exit, _, error) = Command.Run("mknod", node, "c", Convert.ToInt32(hex[0], 16).ToString(), Convert.ToInt32(hex[1], 16).ToString());
        Prerequisite.Require(exit == 0, $"mknod {node} (as /dev/full): {error.Trim()}");
        return node;
    }
}
