using System.Diagnostics;
using System.Runtime.InteropServices;
using NativeConv.Npy;
using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Tests;

/// <summary>
/// Mutated MobileNet state_dicts (<see cref="NpzMutator"/>: the content, a .npy header, the zip records, the file as a
/// whole) loaded the way a user loads one, <see cref="NpzStateDict"/> into <see cref="MobileNets"/>, each case within
/// <see cref="TimeLimit.PerCase"/>. The outcome is one of two: the file is refused with a documented exception that
/// says why (<see cref="NpyFormatException"/> for the archive, naming the file; <see cref="StateDictException"/> for
/// what it holds, naming the key), or it loads and the network runs on a native backend (one per case, in turn); a
/// file that reads back exactly the values written gives exactly the unmutated file's output. Anything else (another
/// exception, a hang, a crash of the test host) fails. v3-small: the smallest MobileNet, 10 MB a file. CI runs
/// 1,000 cases; NATIVECONV_FUZZ_CASES=10000 (build/fuzz.sh) runs more.
/// </summary>
public sealed class StateDictFuzzTests(ITestOutputHelper log) : IDisposable
{
    private const MobileNetModel Model = MobileNetModel.V3Small;
    private const int Size = 40;

    /// <summary>On tmpfs where there is one: NpzWriter flushes each 10 MB archive to the device, which on a disk costs more than the case.</summary>
    private readonly string _dir = Directory.Exists("/dev/shm")
        ? Directory.CreateDirectory($"/dev/shm/nativeconv-npz-fuzz-{Guid.NewGuid():N}").FullName
        : Directory.CreateTempSubdirectory("nativeconv-npz-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The state_dict as a user's code reads it, noting whether every tensor came back as written.</summary>
    private sealed class ReadBack(NpzStateDict file, Dictionary<string, float[]> written) : IStateDict
    {
        public bool AsWritten { get; private set; } = true;

        public IReadOnlyCollection<string> Keys => file.Keys;

        public float[] Read(string key, ReadOnlySpan<int> shape)
        {
            float[] data = file.Read(key, shape);
            if (!written.TryGetValue(key, out float[]? original) || !MemoryMarshal.AsBytes(data.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(original.AsSpan())))
                AsWritten = false;
            return data;
        }
    }

    private static float[] Run(IReadOnlyList<NetworkBlock> blocks, string backend, float[] x)
    {
        using var network = new ConvNetwork(blocks, TestBackends.All, new NetworkOptions { Backend = backend, Threads = 1 });
        var y = new float[network.OutputShape(new TensorShape(1, 3, Size, Size)).Length];
        network.Forward(x, y, 1, Size, Size);
        return y;
    }

    [SkippableFact]
    public void Mutated_state_dicts_load_and_run_or_are_refused_with_a_documented_exception_naming_the_file_or_key()
    {
        foreach (string name in TestBackends.Native) TestBackends.GetOrSkip(name);
        var tensors = StateDictFile.Tensors(Model, 11);
        var written = tensors.ToDictionary(t => t.Key, t => t.Data);
        var mutator = new NpzMutator(tensors, Path.Combine(_dir, "written.npz"));
        float[] x = NetworkCases.Rand(new Random(3), 3 * Size * Size, 1);
        var expected = TestBackends.Native.ToDictionary(b => b, b => Run(MobileNets.Blocks(Model, new RandomStateDict(11)), b, x));

        string path = Path.Combine(_dir, "case.npz");
        var r = new Random(4051);
        var outcomes = new Dictionary<string, int>();
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        int cases = FuzzTests.Cases;
        for (int i = 0; i < cases; i++)
        {
            var (bytes, what) = mutator.Next(r);
            File.WriteAllBytes(path, bytes);
            string backend = TestBackends.Native[i % TestBackends.Native.Length];
            string outcome = "";
            bool finished = TimeLimit.Run(() =>
            {
                IReadOnlyList<NetworkBlock> blocks;
                ReadBack reader;
                using (var file = new NpzStateDict(path))
                {
                    reader = new ReadBack(file, written);
                    blocks = MobileNets.Blocks(Model, reader);
                }
                float[] y = Run(blocks, backend, x);
                if (reader.AsWritten && !y.AsSpan().SequenceEqual(expected[backend]))
                    throw new Xunit.Sdk.XunitException($"read back as written, but the output differs from the unmutated file's on {backend}");
                outcome = reader.AsWritten ? "loaded as written, same output" : "loaded other values, ran";
            }, TimeLimit.PerCase, out Exception? thrown);
            string? problem = !finished ? $"no result within {TimeLimit.PerCase.TotalSeconds} s"
                : thrown switch
                {
                    null => null,
                    NpyFormatException e => e.Path == path ? Count(outcomes, "refused: NpyFormatException") : $"NpyFormatException naming '{e.Path}': {e.Message}",
                    StateDictException e => !string.IsNullOrEmpty(e.Key) ? Count(outcomes, "refused: StateDictException") : $"StateDictException naming no key: {e.Message}",
                    _ => $"{thrown.GetType().FullName}: {thrown.Message}\n{thrown.StackTrace}",
                };
            if (finished && thrown is null) Count(outcomes, outcome);
            if (problem is not null) failures.Add($"case {i} ({what}): {problem}");
        }
        log.WriteLine($"state_dicts: {cases} cases, in {clock.Elapsed.TotalSeconds:0.0} s: " +
            string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Value} {o.Key}")) + $", {failures.Count} failures");
        foreach (string f in failures.Take(20)) log.WriteLine(f);
        Assert.Empty(failures.Take(10));
        int refused = outcomes.Where(o => o.Key.StartsWith("refused", StringComparison.Ordinal)).Sum(o => o.Value);
        Assert.True(refused > cases / 10 && cases - refused > cases / 20, $"unbalanced draw: {refused} refused of {cases}");
    }

    /// <summary>Counts the outcome; null: no problem.</summary>
    private static string? Count(Dictionary<string, int> outcomes, string outcome)
    {
        outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        return null;
    }
}
