namespace NativeConv.Cli;

/// <summary>--backend: a registered name, or "auto" for the first registered backend that is available here.</summary>
internal static class BackendChoice
{
    public static ConvBackend Choose(ConvBackends backends, string name, TextWriter log)
    {
        if (name != "auto") return backends.Get(name);
        foreach (string candidate in backends.Names)
        {
            if (backends.TryGet(candidate, out ConvBackend? backend, out string? reason)) return backend!;
            log.WriteLine($"backend {candidate} unavailable: {reason}");
        }
        throw new InvalidOperationException("no backend is available");
    }
}
