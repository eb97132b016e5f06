using System.Globalization;

namespace NativeConv;

/// <summary>
/// The size of the largest cache the first CPU has, read once from Linux's sysfs (<c>/sys/devices/system/cpu/cpu0/cache</c>);
/// null where it cannot be read (other systems, a sysfs without it): whoever asks then assumes the data fits.
/// </summary>
internal static class LastLevelCache
{
    private static readonly Lazy<long?> Size = new(Read);

    public static long? Bytes => Size.Value;

    private static long? Read()
    {
        const string caches = "/sys/devices/system/cpu/cpu0/cache";
        try
        {
            if (!OperatingSystem.IsLinux() || !Directory.Exists(caches)) return null;
            long? largest = null;
            foreach (string index in Directory.EnumerateDirectories(caches, "index*"))
            {
                string text = File.ReadAllText(Path.Combine(index, "size")).Trim(); // e.g. "32768K"
                long unit = text.EndsWith('K') ? 1024 : text.EndsWith('M') ? 1024 * 1024 : 1;
                if (long.TryParse(text.TrimEnd('K', 'M'), NumberStyles.None, CultureInfo.InvariantCulture, out long size))
                    largest = Math.Max(largest ?? 0, size * unit);
            }
            return largest;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
