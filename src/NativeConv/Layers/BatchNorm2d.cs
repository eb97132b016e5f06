namespace NativeConv;

/// <summary>Inference batch normalization, y = gamma * (x - mean) / sqrt(var + eps) + beta, folded into the convolution before it.</summary>
public sealed class BatchNorm2d
{
    private readonly float[] _gamma, _beta, _mean, _variance;

    public BatchNorm2d(ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, float epsilon = 1e-5f)
    {
        if (gamma.IsEmpty) throw new ArgumentException("gamma must not be empty", nameof(gamma));
        if (beta.Length != gamma.Length) throw new ArgumentException($"beta has {beta.Length} values, gamma {gamma.Length}", nameof(beta));
        if (mean.Length != gamma.Length) throw new ArgumentException($"mean has {mean.Length} values, gamma {gamma.Length}", nameof(mean));
        if (variance.Length != gamma.Length) throw new ArgumentException($"variance has {variance.Length} values, gamma {gamma.Length}", nameof(variance));
        if (!(epsilon > 0) || float.IsInfinity(epsilon)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "must be positive and finite");
        int bad = FirstInvalidVariance(variance);
        if (bad >= 0) throw new ArgumentOutOfRangeException(nameof(variance), variance[bad], $"variance[{bad}] {VarianceRule}");
        _gamma = gamma.ToArray();
        _beta = beta.ToArray();
        _mean = mean.ToArray();
        _variance = variance.ToArray();
        Epsilon = epsilon;
    }

    /// <summary>What every running variance must be.</summary>
    internal const string VarianceRule = "must be finite and not negative";

    /// <summary>The first channel whose variance breaks <see cref="VarianceRule"/> (negative, NaN or infinite), or -1.</summary>
    internal static int FirstInvalidVariance(ReadOnlySpan<float> variance)
    {
        for (int c = 0; c < variance.Length; c++)
            if (!(variance[c] >= 0) || float.IsInfinity(variance[c])) return c;
        return -1;
    }

    public int Channels => _gamma.Length;

    public float Epsilon { get; }

    /// <summary>
    /// Folds into a convolution's weights (PyTorch order) and bias: w' = w * s, b' = (b - mean) * s + beta,
    /// s = gamma / sqrt(var + eps), computed in double and rounded once.
    /// </summary>
    public (float[] Weights, float[] Bias) Fold(Conv2dSpec spec, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (Channels != spec.OutChannels)
            throw new ArgumentException($"batch norm has {Channels} channels, the convolution {spec.OutChannels} outputs", nameof(spec));
        var folded = new float[weights.Length];
        var foldedBias = new float[spec.OutChannels];
        int per = spec.WeightsPerOutputChannel;
        for (int oc = 0; oc < spec.OutChannels; oc++)
        {
            double scale = _gamma[oc] / Math.Sqrt((double)_variance[oc] + Epsilon);
            for (int i = 0; i < per; i++) folded[oc * per + i] = (float)(weights[oc * per + i] * scale);
            double b = bias.IsEmpty ? 0 : bias[oc];
            foldedBias[oc] = (float)((b - _mean[oc]) * scale + _beta[oc]);
        }
        return (folded, foldedBias);
    }

    /// <summary>The normalization of one value of channel <paramref name="c"/>, in double (for references).</summary>
    public double Apply(int c, double x) => _gamma[c] * (x - _mean[c]) / Math.Sqrt((double)_variance[c] + Epsilon) + _beta[c];
}
