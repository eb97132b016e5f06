namespace NativeConv;

/// <summary>
/// Reads a model's layers out of a PyTorch state_dict by key prefix (convolution <c>key.weight</c> and <c>key.bias</c>,
/// BatchNorm <c>key.weight/bias/running_mean/running_var</c>, linear <c>key.weight/bias</c>), each tensor checked
/// against the shape its spec implies, remembering every key used so that keys left over are reported
/// (<see cref="Unused"/>, <see cref="EnsureAllUsed"/>): a state_dict of another model or width is an error, not a
/// silently different network. The MobileNets read theirs with it; a custom model's <c>.npz</c> reads the same way.
/// </summary>
public sealed class StateDictReader(IStateDict dict)
{
    private readonly IStateDict _dict = dict ?? throw new ArgumentNullException(nameof(dict));
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    /// <summary>A convolution <paramref name="convKey"/> followed by the BatchNorm <paramref name="batchNormKey"/> (if any), folded.</summary>
    public ConvBlock Conv(string convKey, string? batchNormKey, Conv2dSpec spec, float batchNormEpsilon = 1e-5f)
    {
        float[] weights = Read($"{convKey}.weight", [spec.OutChannels, spec.InChannelsPerGroup, spec.Kernel.Height, spec.Kernel.Width]);
        float[] bias = spec.HasBias ? Read($"{convKey}.bias", [spec.OutChannels]) : [];
        BatchNorm2d? norm = batchNormKey is null ? null : BatchNorm(batchNormKey, spec.OutChannels, batchNormEpsilon);
        return new ConvBlock(convKey, spec, weights, bias, norm);
    }

    /// <summary>A linear layer (out, in) as the 1x1 convolution it is on a 1x1 map.</summary>
    public ConvBlock Linear(string key, int inFeatures, int outFeatures, Activation activation)
    {
        var spec = Conv2dSpec.Pointwise(inFeatures, outFeatures, bias: true, activation);
        return new ConvBlock(key, spec, Read($"{key}.weight", [outFeatures, inFeatures]), Read($"{key}.bias", [outFeatures]));
    }

    /// <summary>A 1x1 convolution with its own bias and no BatchNorm (e.g. squeeze-and-excitation's fc1 and fc2).</summary>
    public ConvBlock Pointwise(string key, int inChannels, int outChannels, Activation activation) =>
        Conv(key, null, Conv2dSpec.Pointwise(inChannels, outChannels, bias: true, activation), 0);

    /// <summary>The BatchNorm2d <paramref name="key"/> of <paramref name="channels"/> (for folding where no convolution precedes it).</summary>
    public BatchNorm2d BatchNorm(string key, int channels, float epsilon = 1e-5f)
    {
        _used.Add($"{key}.num_batches_tracked"); // training bookkeeping: present in every state_dict, unused here
        float[] gamma = Read($"{key}.weight", [channels]), beta = Read($"{key}.bias", [channels]), mean = Read($"{key}.running_mean", [channels]);
        string varianceKey = $"{key}.running_var";
        float[] variance = Read(varianceKey, [channels]);
        // A file's value, not a caller's argument: named by its key, as the other faults of a state_dict are.
        int bad = BatchNorm2d.FirstInvalidVariance(variance);
        if (bad >= 0)
            throw new StateDictException($"'{varianceKey}' cannot be a BatchNorm's running variance: variance[{bad}] {BatchNorm2d.VarianceRule} (it is {variance[bad]})",
                varianceKey, [channels], [channels]);
        return new BatchNorm2d(gamma, beta, mean, variance, epsilon);
    }

    /// <summary>The tensor <paramref name="key"/>, which must have <paramref name="shape"/> (e.g. a transposed convolution's (in, out/groups, kh, kw)).</summary>
    public float[] Read(string key, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(key);
        float[] values = _dict.Read(key, shape);
        _used.Add(key);
        return values;
    }

    /// <summary>The keys no read has used so far (BatchNorm's num_batches_tracked counts as used with its BatchNorm).</summary>
    public IReadOnlyList<string> Unused => _dict.Keys.Where(k => !_used.Contains(k)).ToArray();

    /// <summary>Throws naming the keys the network did not use (a state_dict of another model or width).</summary>
    public void EnsureAllUsed(string model)
    {
        IReadOnlyList<string> extra = Unused;
        if (extra.Count > 0)
            throw new StateDictException($"the state_dict has {extra.Count} key(s) that {model} does not use: " +
                string.Join(", ", extra.Take(5)) + (extra.Count > 5 ? ", ..." : ""), extra[0]);
    }
}
