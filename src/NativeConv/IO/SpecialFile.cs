using System.Runtime.InteropServices;

namespace NativeConv;

/// <summary>
/// Whether a path is a device, FIFO or socket: a file that is written in place, never replaced. .NET has no API
/// for a file's type (<see cref="FileSystemInfo.Attributes"/> calls /dev/null "Normal"), so this asks the kernel
/// with statx(2), whose struct has one layout on every Linux architecture (stat(2)'s differs between x64 and arm64).
/// </summary>
internal static unsafe partial class SpecialFile
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int StructSize = 256;  // sizeof(struct statx)
    private const int ModeOffset = 28;   // offsetof(struct statx, stx_mode), a __u16
    private const int TypeMask = 0xF000; // S_IFMT
    private const int Regular = 0x8000, Directory = 0x4000;

    /// <summary>
    /// True for a device, FIFO or socket at <paramref name="path"/>, through any symlinks as open(2) follows them
    /// (/dev/stdout is a FIFO when stdout is a pipe). False for anything else, for nothing there, when the kernel
    /// cannot say, and off Linux, where NativeConv builds no native libraries (there every existing file is taken for
    /// a regular one).
    /// </summary>
    public static bool Is(string path)
    {
        if (!OperatingSystem.IsLinux()) return false;
        byte* buffer = stackalloc byte[StructSize];
        if (Statx(AtFdCwd, path, flags: 0, StatxType, buffer) != 0) return false; // the write that follows reports why
        int type = *(ushort*)(buffer + ModeOffset) & TypeMask;
        return type is not (Regular or Directory);
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, byte* buffer);
}
