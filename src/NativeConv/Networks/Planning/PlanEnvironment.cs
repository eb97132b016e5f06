using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using System.Text;

namespace NativeConv;

/// <summary>What a measured plan depends on besides the network: the machine and the versions; and the network's fingerprint.</summary>
internal static class PlanEnvironment
{
    /// <summary>The CPU model, its vector instruction sets and the processor count.</summary>
    public static string Machine { get; } = $"{CpuModel()}; {string.Join(" ", Isas())}; {Environment.ProcessorCount} processors";

    /// <summary>NativeConv's version and the native libraries' it was built for.</summary>
    public static string Versions { get; } =
        $"NativeConv {typeof(PlanEnvironment).Assembly.GetName().Version}; oneDNN {Interop.OneDnn.Dnnl.GeneratedFromVersion}; XNNPACK {Interop.Xnnpack.Xnn.GeneratedFromVersion}";

    /// <summary>Every operation's name and definition, hashed: a plan fits only the network it was measured on.</summary>
    public static string Fingerprint(NetworkGraph graph)
    {
        var text = new StringBuilder();
        foreach (GraphOp op in graph.Ops)
            text.Append(op switch { ConvOp c => $"{c.Name}:{c.Spec}", _ => $"{op.Name}:{op.GetType().Name}" }).Append('\n');
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16].ToLowerInvariant();
    }

    private static string CpuModel()
    {
        try
        {
            string? line = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
            return line is null ? System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
            return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    private static IEnumerable<string> Isas()
    {
        if (Avx512F.IsSupported) yield return "avx512f";
        if (Avx512Vbmi.IsSupported) yield return "avx512vbmi";
        if (AvxVnni.IsSupported) yield return "avxvnni";
        if (Avx2.IsSupported) yield return "avx2";
        if (Fma.IsSupported) yield return "fma";
        if (System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported) yield return "neon";
    }
}
