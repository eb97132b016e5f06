namespace NativeConv;

/// <summary>
/// Seeded weights for any key asked for, for benchmarks and for running a network without trained
/// weights: convolution and linear weights uniform with variance 2 / fan-in (He), so activations keep
/// their scale through ReLU layers; BatchNorm statistics and affine terms moderately random, biases small.
/// The same seed and the same sequence of requests give the same tensors.
/// </summary>
public sealed class RandomStateDict(int seed) : IStateDict
{
    private readonly Random _random = new(seed);
    private readonly List<string> _keys = [];

    public IReadOnlyCollection<string> Keys => _keys;

    public float[] Read(string key, ReadOnlySpan<int> shape)
    {
        _keys.Add(key);
        long count = 1;
        foreach (int d in shape) count *= d;
        var tensor = new float[count];
        string kind = key[(key.LastIndexOf('.') + 1)..];
        bool isBatchNorm = key.Contains("running_", StringComparison.Ordinal) || (shape.Length == 1 && IsBatchNormAffine(key));
        for (int i = 0; i < tensor.Length; i++)
        {
            double u = _random.NextDouble();
            tensor[i] = (float)(kind switch
            {
                "running_var" => 0.5 + u,
                "running_mean" => (u - 0.5) * 0.2,
                "weight" when isBatchNorm => 0.5 + u,
                "weight" => (2 * u - 1) * Math.Sqrt(6.0 / FanIn(shape)),
                _ => (u - 0.5) * 0.2, // biases, BatchNorm shifts
            });
        }
        return tensor;
    }

    /// <summary>A rank-1 "weight" is a BatchNorm's scale (convolution and linear weights have rank 2 or 4).</summary>
    private static bool IsBatchNormAffine(string key) => key.EndsWith(".weight", StringComparison.Ordinal) || key.EndsWith(".bias", StringComparison.Ordinal);

    private static double FanIn(ReadOnlySpan<int> shape)
    {
        long fanIn = 1;
        for (int i = 1; i < shape.Length; i++) fanIn *= shape[i];
        return Math.Max(1, fanIn);
    }
}
