namespace NativeConv;

/// <summary>
/// Reads a network's blocks out of a state_dict under torchvision's names (convolution
/// <c>key.weight</c>, BatchNorm <c>key.weight/bias/running_mean/running_var</c>, linear <c>key.weight/bias</c>),
/// remembering every key used, so that a key left over is an error too.
/// </summary>
internal sealed class StateDictReader(IStateDict dict)
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    /// <summary>A convolution <paramref name="convKey"/> followed by the BatchNorm <paramref name="batchNormKey"/> (if any), folded.</summary>
    public ConvBlock Conv(string convKey, string? batchNormKey, Conv2dSpec spec, float batchNormEpsilon)
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

    /// <summary>A 1x1 convolution with a bias and no BatchNorm (squeeze-and-excitation's fc1 and fc2).</summary>
    public ConvBlock Linear1x1(string key, int inChannels, int outChannels, Activation activation) =>
        Conv(key, null, Conv2dSpec.Pointwise(inChannels, outChannels, bias: true, activation), 0);

    private BatchNorm2d BatchNorm(string key, int channels, float epsilon)
    {
        _used.Add($"{key}.num_batches_tracked"); // training bookkeeping: present in every state_dict, unused here
        float[] gamma = Read($"{key}.weight", [channels]), beta = Read($"{key}.bias", [channels]), mean = Read($"{key}.running_mean", [channels]);
        string varianceKey = $"{key}.running_var";
        float[] variance = Read(varianceKey, [channels]);
        try
        {
            return new BatchNorm2d(gamma, beta, mean, variance, epsilon);
        }
        catch (ArgumentOutOfRangeException e) when (e.ParamName == "variance")
        {
            // A file's value, not a caller's argument: named by its key, as the other faults of a state_dict are.
            throw new StateDictException($"'{varianceKey}' cannot be a BatchNorm's running variance: {e.Message.Split(" (Parameter")[0]} (it is {e.ActualValue})", varianceKey, [channels], [channels], e);
        }
    }

    private float[] Read(string key, int[] shape)
    {
        _used.Add(key);
        return dict.Read(key, shape);
    }

    /// <summary>Throws naming the keys the network did not use (a state_dict of another model or width).</summary>
    public void EnsureAllUsed(string model)
    {
        string[] extra = dict.Keys.Where(k => !_used.Contains(k)).ToArray();
        if (extra.Length > 0)
            throw new StateDictException($"the state_dict has {extra.Length} key(s) that {model} does not use: " +
                string.Join(", ", extra.Take(5)) + (extra.Length > 5 ? ", ..." : ""), extra[0]);
    }
}
