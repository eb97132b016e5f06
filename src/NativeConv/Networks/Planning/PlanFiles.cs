using System.Security.Cryptography;
using System.Text;

namespace NativeConv;

/// <summary>
/// One network's measured plans as files in <see cref="NetworkOptions.PlanDirectory"/>, one per input shape and
/// layout. A file's name carries the network's fingerprint and a hash of everything else the measurement depended on
/// (machine, versions, the candidate backends and their threads, whether the mix may be chosen), so one directory
/// serves several networks, machines and configurations without one replacing another's plans. A file is written
/// whole or not at all (a temporary file renamed over it), so processes sharing the directory read one plan or the
/// other, never half of one.
/// </summary>
internal sealed class PlanFiles
{
    private readonly string _directory;
    private readonly string _prefix;

    /// <param name="directory">A full path; made when a plan is first saved.</param>
    /// <param name="network">The network's fingerprint.</param>
    /// <param name="setting">What else the measurement depends on, in words; hashed into the file names.</param>
    public PlanFiles(string directory, string network, string setting)
    {
        _directory = directory;
        string hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(setting)))[..12].ToLowerInvariant();
        _prefix = $"{network}-{hash}";
    }

    /// <summary>The file of the plan for <paramref name="inputs"/> (one shape per graph input) in <paramref name="layout"/>.</summary>
    public string PathFor(IReadOnlyList<TensorShape> inputs, TensorLayout layout) =>
        Path.Combine(_directory, $"{_prefix}-{string.Join("_", inputs.Select(s => $"{s.Batch}x{s.Height}x{s.Width}"))}-{layout.ToString().ToLowerInvariant()}.json");

    /// <summary>The plan in <paramref name="path"/>; null when there is no such file, or when it cannot be read (then <paramref name="problem"/> says why).</summary>
    public static NetworkPlan? TryLoad(string path, out string? problem)
    {
        problem = null;
        if (!File.Exists(path)) return null;
        try
        {
            return NetworkPlan.Load(path);
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            problem = $"{path} could not be read: {e.Message}";
            return null;
        }
    }

    /// <summary>Saves <paramref name="plan"/> as <paramref name="path"/>; null when saved, otherwise why not.</summary>
    public string? TrySave(NetworkPlan plan, string path) => OutputFile.TryWriteText(path, plan.ToJson(), makeDirectory: true) is { } problem ? $"the plan could not be saved as {problem}" : null;
}
