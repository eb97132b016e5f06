using System.Runtime.Intrinsics.X86;

namespace NativeConv;

/// <summary>What a measured plan depends on besides the network: the machine and the versions.</summary>
internal static class PlanEnvironment
{
    /// <summary>The CPU model, its vector instruction sets and the processor count.</summary>
    public static string Machine { get; } = $"{CpuModel()}; {string.Join(" ", Isas())}; {Environment.ProcessorCount} processors";

    /// <summary>NativeConv's version and the native libraries' it was built for.</summary>
    public static string Versions { get; } =
        $"NativeConv {typeof(PlanEnvironment).Assembly.GetName().Version}; oneDNN {Interop.OneDnn.Dnnl.GeneratedFromVersion}; XNNPACK {Interop.Xnnpack.Xnn.GeneratedFromVersion}";

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
