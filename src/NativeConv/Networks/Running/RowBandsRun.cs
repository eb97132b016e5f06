using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using NativeConv.Interop.Xnnpack;

namespace NativeConv;

/// <summary>
/// A network's first operations run in row bands for one image shape (<see cref="BatchMode.RowsAcrossThreads"/>): one
/// band per thread of the process's one OpenMP team, the team oneDNN's and XNNPACK's loops run on (a loop of one task per
/// band through pthreadpool's API, which the XNNPACK library implements over OpenMP here). A thread of our own for the
/// other band ran them 1.7x slower between calls (v2's first 10 operations: 2064 against 1212 µs on the team): it shared
/// the second core with the team's worker, which spins a while after every parallel loop, waiting for the next. Owns the bands.
/// </summary>
internal sealed unsafe class RowBandsRun : IDisposable
{
    private readonly RowBand[] _bands;
    private readonly PthreadpoolHandle _team;
    private readonly Exception?[] _failures;
    private GCHandle _self;
    private float* _input, _cut;

    /// <param name="bands">One per thread, in row order (owned from here).</param>
    public RowBandsRun(RowBand[] bands)
    {
        _bands = bands;
        _failures = new Exception?[bands.Length];
        pthreadpool_t team = Xnn.pthreadpool_create((nuint)bands.Length);
        if (team.IsNull) throw new InvalidOperationException($"pthreadpool_create({bands.Length}) failed");
        _team = new PthreadpoolHandle(team);
        _self = GCHandle.Alloc(this);
    }

    /// <summary>How many operations run in bands.</summary>
    public int Operations => _bands[0].Operations;

    /// <summary>The value they make, whole once every band is done.</summary>
    public int Cut => _bands[0].Cut;

    /// <summary>What runs operation <paramref name="op"/> (one of the banded ones) in each band.</summary>
    public string Describe(int op) => "in row bands, one per thread: " + string.Join("; ", _bands.Select(b => b.Describe(op)));

    /// <summary>
    /// Every band at once on the image's NHWC <paramref name="input"/>, into <paramref name="cut"/>, the cut value's buffer.
    /// Returns once every band is done; a band's failure is rethrown then (the first band's first).
    /// </summary>
    public void Run(float* input, float* cut)
    {
        _input = input;
        _cut = cut;
        Xnn.pthreadpool_parallelize_1d(_team.Value, &RunBand, (void*)GCHandle.ToIntPtr(_self), (nuint)_bands.Length, 0);
        for (int i = 0; i < _failures.Length; i++)
        {
            if (_failures[i] is not { } failure) continue;
            Array.Clear(_failures);
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>One band, on whichever team thread took it: an exception is kept for <see cref="Run"/> (it must not unwind through native frames).</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void RunBand(void* context, nuint band)
    {
        var run = (RowBandsRun)GCHandle.FromIntPtr((nint)context).Target!;
        try
        {
            run._bands[band].Run(run._input, run._cut);
        }
        catch (Exception e)
        {
            run._failures[band] = e;
        }
    }

    public void Dispose()
    {
        if (!_self.IsAllocated) return;
        _self.Free();
        _team.Dispose();
        foreach (RowBand band in _bands) band.Dispose();
    }
}
