using NativeConv.Interop.OneDnn;

namespace NativeConv;

/// <summary>
/// OpenMP's thread count is per calling thread (its nthreads ICV), so it is set on the thread that
/// calls oneDNN, and only when it differs from what that thread last set.
/// </summary>
internal static class OpenMpThreads
{
    [ThreadStatic] private static int _current;

    public static void Use(int threads)
    {
        if (_current == threads) return;
        Omp.omp_set_num_threads(threads);
        _current = threads;
    }
}
