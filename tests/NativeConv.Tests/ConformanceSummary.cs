using System.Collections.Concurrent;
using System.Globalization;

namespace NativeConv.Tests;

/// <summary>
/// Collects, per backend, how many cases ran and the largest error seen relative to its bound; when
/// the conformance tests end, writes artifacts/conformance-summary.txt (quoted in closing notes).
/// </summary>
public sealed class ConformanceSummary : IDisposable
{
    // Shared by every fixture instance (one per test class that uses it); each writes the whole file.
    private static readonly ConcurrentDictionary<string, (int Cases, double WorstRatio, string WorstCase)> _byBackend = new();
    private static readonly ConcurrentDictionary<string, string> _implementations = new();

    public void Record(string backend, double ratio, string caseName) =>
        _byBackend.AddOrUpdate(backend, (1, ratio, caseName),
            (_, s) => (s.Cases + 1, Math.Max(s.WorstRatio, ratio), ratio > s.WorstRatio ? caseName : s.WorstCase));

    public void RecordImplementation(string backend, string shape, string implementation) =>
        _implementations[$"{backend,-8} {shape}"] = implementation;

    public void Dispose()
    {
        if (_byBackend.IsEmpty && _implementations.IsEmpty) return;
        var lines = _byBackend.OrderBy(p => p.Key).Select(p => string.Create(CultureInfo.InvariantCulture,
            $"{p.Key}: {p.Value.Cases} cases, largest |error|/bound = {p.Value.WorstRatio:0.000e+0} ({p.Value.WorstCase})")).ToList();
        lines.AddRange(_implementations.OrderBy(p => p.Key).Select(p => $"{p.Key} -> {p.Value}"));
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "NativeConv.sln"))) continue;
            string artifacts = Path.Combine(dir.FullName, "artifacts");
            Directory.CreateDirectory(artifacts);
            File.WriteAllLines(Path.Combine(artifacts, "conformance-summary.txt"), lines);
            break;
        }
    }
}
