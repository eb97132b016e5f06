namespace NativeConv.Testing;

/// <summary>
/// Resident memory sampled along a run of calls, and whether it grows beyond what the allocator does anyway.
/// <para>
/// The slope is the least-squares line through the samples (bytes per call). The limit is derived from the same run:
/// a run that keeps nothing still moves in the allocators' steps (an arena or a heap region taken or given back, a
/// page touched), and the largest rise between two neighbouring samples, <see cref="LargestStep"/>, measures them (falls
/// are memory given back: they only lower the line). One step of size J moves a least-squares line over the window by at most 1.5 J (a step in the middle: the slope is
/// 6k(n − k) / (n(n² − 1)) J per sample at k of n), so two steps at most 3 J: the limit is a fitted growth of
/// 3 J over the window. A leak of r bytes per call grows every one of the n − 1 intervals by about r·Δ, so its fitted
/// growth is about (n − 1) times its own largest step: beyond the limit once n − 1 exceeds 3 (and its step stands
/// above the allocator's noise by that factor).
/// </para>
/// </summary>
public sealed class MemoryTrend
{
    private readonly List<(long Call, long Bytes)> _samples = [];


    /// <summary>Records the resident bytes after <paramref name="call"/> calls.</summary>
    public void Add(long call, long bytes)
    {
        if (_samples.Count > 0 && call <= _samples[^1].Call) throw new ArgumentOutOfRangeException(nameof(call), call, "samples must come in call order");
        _samples.Add((call, bytes));
    }

    public int Count => _samples.Count;

    /// <summary>The calls from the first sample to the last.</summary>
    public long Window => _samples.Count < 2 ? 0 : _samples[^1].Call - _samples[0].Call;

    /// <summary>The least-squares slope, in bytes per call.</summary>
    public double BytesPerCall
    {
        get
        {
            if (_samples.Count < 2) throw new InvalidOperationException("a slope needs two samples");
            double meanX = _samples.Average(s => (double)s.Call), meanY = _samples.Average(s => (double)s.Bytes);
            double covariance = _samples.Sum(s => (s.Call - meanX) * (s.Bytes - meanY));
            double variance = _samples.Sum(s => (s.Call - meanX) * (s.Call - meanX));
            return covariance / variance;
        }
    }

    /// <summary>The largest rise between neighbouring samples: the allocators' step as this run saw it.</summary>
    public long LargestStep => _samples.Zip(_samples.Skip(1), (a, b) => Math.Max(0, b.Bytes - a.Bytes)).DefaultIfEmpty(0).Max();

    /// <summary>The slope the samples may show without a leak: a fitted growth of 3 <see cref="LargestStep"/> over the window, per call.</summary>
    public double LimitBytesPerCall => Window == 0 ? 0 : 3.0 * LargestStep / Window;

    /// <summary>Whether the growth stays within the allocator's noise.</summary>
    public bool WithinNoise => BytesPerCall <= LimitBytesPerCall;

    /// <summary>Every sample as "calls: KB", for a failure's message.</summary>
    public override string ToString() => string.Join(", ", _samples.Select(s => $"{s.Call}: {s.Bytes / 1024} KB"));

    /// <summary>The first and last sample, for the log.</summary>
    public (long First, long Last) Range => (_samples[0].Bytes, _samples[^1].Bytes);
}
