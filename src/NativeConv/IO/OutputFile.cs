using System.Runtime.InteropServices;
using System.Text;

namespace NativeConv;

/// <summary>
/// Writes every file NativeConv makes (.npy, .npz, plans), in one way:
/// <list type="bullet">
/// <item>a regular file, or a path with nothing there yet, is written whole or not at all: into a temporary file in
/// the same directory, flushed to disk, then renamed over the path, so a reader sees the old file or the new one and
/// a failed write leaves the old one;</item>
/// <item>a symlink is followed to its final target (through a chain; a dangling link's target is created), and the
/// target is replaced that way: renaming over the link would replace the link with a file;</item>
/// <item>a device, FIFO or socket is opened and written in place, as <c>cat &gt; path</c> does: renaming over
/// <c>/dev/null</c> (as root) would replace the device with a regular file, and a FIFO's reader would never see the
/// data.</item>
/// </list>
/// Every failure, including the content callback's, leaves no temporary file, and one from the file system throws an
/// <see cref="IOException"/> (or <see cref="UnauthorizedAccessException"/>) whose message is
/// "<c>path: the system's reason</c>", with the path as the caller gave it.
/// </summary>
internal static class OutputFile
{
    /// <summary>Writes the file at <paramref name="path"/> with what <paramref name="content"/> writes to the stream it is given.</summary>
    public static void Write(string path, Action<Stream> content) => Write(path, content, makeDirectory: false);

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte order mark, as <see cref="File.WriteAllText(string, string)"/>).</summary>
    public static void WriteText(string path, string text) => Write(path, Utf8(text), makeDirectory: false);

    /// <summary>
    /// As <see cref="WriteText"/>, making the file's directory first when <paramref name="makeDirectory"/>; null when
    /// written, otherwise why not (the exception's message, which names <paramref name="path"/>).
    /// </summary>
    public static string? TryWriteText(string path, string text, bool makeDirectory)
    {
        try
        {
            Write(path, Utf8(text), makeDirectory);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    private static Action<Stream> Utf8(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return stream => stream.Write(Encoding.UTF8.GetBytes(text));
    }

    private static void Write(string path, Action<Stream> content, bool makeDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(content);
        string target = path;
        try
        {
            // Asked first, through any links as open(2) follows them: /dev/stdout's link to a pipe ("pipe:[123]") names no file.
            if (SpecialFile.Is(path))
            {
                Fill(path, FileMode.Open, content);
                return;
            }
            // rename(2) acts on a link itself; the file the user means is at the end of the chain.
            // A full path: .NET resolves a relative link named without a directory ("y.npy" -> "full") against "/".
            if (new FileInfo(path).LinkTarget is not null) target = File.ResolveLinkTarget(Path.GetFullPath(path), returnFinalTarget: true)!.FullName;
            if (makeDirectory) Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
            if (Directory.Exists(target)) throw new IOException("is a directory");
            Replace(target, content);
        }
        catch (DirectoryNotFoundException e)
        {
            // Named by the directory, not by the file that could not be made in it (the temporary one).
            throw new DirectoryNotFoundException($"{path}: {MissingDirectory(target)}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException($"{path}: {Reason(e)}", e);
        }
        catch (IOException e)
        {
            throw new IOException($"{path}: {Reason(e)}", e);
        }
    }

    /// <summary>Writes a temporary file beside <paramref name="target"/> and renames it over it; the temporary file never outlives a failure.</summary>
    private static void Replace(string target, Action<Stream> content)
    {
        // Not named after the target: a long file name plus a suffix could pass NAME_MAX where the name itself does not.
        string temporary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(target))!, $".nativeconv-{Guid.NewGuid():N}.tmp");
        try
        {
            Fill(temporary, FileMode.CreateNew, content);
            // Replacing a file must not change who may read it.
            if (!OperatingSystem.IsWindows() && File.Exists(target)) File.SetUnixFileMode(temporary, File.GetUnixFileMode(target));
            File.Move(temporary, target, overwrite: true); // rename(2): atomic within a directory
        }
        catch
        {
            try
            {
                File.Delete(temporary); // nothing to delete when it was never made
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // the write's own failure is the one to report
            }
            throw;
        }
    }

    /// <summary>Opens <paramref name="file"/> with <paramref name="mode"/>, writes the content and flushes it to the device.</summary>
    private static void Fill(string file, FileMode mode, Action<Stream> content)
    {
        // FileShare.ReadWrite: a device or FIFO may be open elsewhere (the temporary file is new and ours alone).
        var stream = new FileStream(file, mode, FileAccess.Write, FileShare.ReadWrite);
        try
        {
            content(stream);
            // A full disk (or NFS's deferred error) often shows only when the data reaches the device; fsync reports
            // it, where .NET's close would drop it. .NET skips the fsync errors of files that cannot sync (FIFOs, ttys).
            stream.Flush(flushToDisk: true);
        }
        catch
        {
            try
            {
                stream.Dispose(); // closes the handle even when flushing what is left in the buffer fails again
            }
            catch (Exception again) when (again is IOException or UnauthorizedAccessException)
            {
                // the first failure is the one to report
            }
            throw;
        }
        stream.Dispose();
    }

    /// <summary>Which directory is missing: the file's, or the first part of its path that is a file.</summary>
    private static string MissingDirectory(string file)
    {
        string directory = Path.GetDirectoryName(file) ?? file;
        for (string? part = directory; !string.IsNullOrEmpty(part); part = Path.GetDirectoryName(part))
            if (File.Exists(part)) return $"'{part}' is not a directory";
        return $"directory '{directory}' does not exist";
    }

    /// <summary>
    /// The system's message alone: .NET's own names the file it opened, which may be the temporary one. On Unix .NET
    /// keeps errno as an IOException's HResult (inside an UnauthorizedAccessException, as its inner exception), and
    /// throws its two other kinds for one errno each; elsewhere the exception's message is used as it is.
    /// </summary>
    private static string Reason(Exception e)
    {
        Exception errno = e is UnauthorizedAccessException { InnerException: IOException inner } ? inner : e;
        return errno switch
        {
            _ when errno.GetType() == typeof(IOException) && errno.HResult > 0 => Marshal.GetPInvokeErrorMessage(errno.HResult),
            FileNotFoundException => "No such file or directory", // ENOENT
            PathTooLongException => "File name too long", // ENAMETOOLONG
            _ => e.Message,
        };
    }
}
