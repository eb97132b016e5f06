using NativeConv.Npy;
using Xunit;

namespace NativeConv.Tests;

/// <summary>Whole MobileNets from .npz state_dicts: what a wrong file gets, and that a right one round-trips.</summary>
public class StateDictTests
{
    /// <summary>An .npz with every tensor v3-small asks for (seeded), plus BatchNorm's num_batches_tracked, as torch saves it.</summary>
    private static (string Path, List<(string Key, int[] Shape)> Tensors) WriteV3Small(Func<string, int[], int[]>? reshape = null,
        string? drop = null, string? extra = null, Func<string, float[], float[]>? values = null)
    {
        var tensors = StateDictFile.Tensors(MobileNetModel.V3Small, 5);
        string path = Path.Combine(Directory.CreateTempSubdirectory("nativeconv-npz-").FullName, "weights.npz");
        NpzWriter.Save(path, writer =>
        {
            foreach (var (key, shape, data) in tensors)
            {
                if (key == drop) continue;
                int[] written = reshape?.Invoke(key, shape) ?? shape;
                writer.Write(key, new NpyArray(written, written.SequenceEqual(shape) ? values?.Invoke(key, data) ?? data : new float[written.Aggregate(1, (a, b) => a * b)]));
                if (key.EndsWith(".running_var", StringComparison.Ordinal)) writer.WriteInt64Scalar(key.Replace("running_var", "num_batches_tracked", StringComparison.Ordinal), 0);
            }
            if (extra is not null) writer.Write(extra, new NpyArray([3], [1, 2, 3]));
        });
        return (path, tensors.Select(t => (t.Key, t.Shape)).ToList());
    }

    [Fact]
    public void A_complete_npz_builds_the_same_network_as_its_source()
    {
        var (path, tensors) = WriteV3Small();
        using var file = new NpzStateDict(path);
        IReadOnlyList<NetworkBlock> fromFile = MobileNets.Blocks(MobileNetModel.V3Small, file);
        IReadOnlyList<NetworkBlock> fromSeed = MobileNets.Blocks(MobileNetModel.V3Small, new RandomStateDict(5));
        Assert.Equal(fromSeed.Count, fromFile.Count);
        Assert.Equal(244 - 34, tensors.Count); // torchvision's 244 keys, less the 34 num_batches_tracked
        var first = (ConvBlock)fromFile[0];
        Assert.Equal(((ConvBlock)fromSeed[0]).Weights.ToArray(), first.Weights.ToArray());
    }

    [Fact]
    public void A_missing_key_is_named_with_its_shape()
    {
        var (path, _) = WriteV3Small(drop: "features.5.block.2.fc1.weight");
        using var file = new NpzStateDict(path);
        var e = Assert.Throws<StateDictException>(() => MobileNets.Blocks(MobileNetModel.V3Small, file));
        Assert.Equal("features.5.block.2.fc1.weight", e.Key);
        Assert.Contains("needs 'features.5.block.2.fc1.weight' (64, 240, 1, 1)", e.Message);
    }

    [Fact]
    public void An_extra_key_is_named()
    {
        var (path, _) = WriteV3Small(extra: "features.99.bias");
        using var file = new NpzStateDict(path);
        var e = Assert.Throws<StateDictException>(() => MobileNets.Blocks(MobileNetModel.V3Small, file));
        Assert.Equal("features.99.bias", e.Key);
        Assert.Contains("v3-small does not use: features.99.bias", e.Message);
    }

    [Fact]
    public void A_tensor_of_another_shape_is_named_with_both_shapes()
    {
        var (path, _) = WriteV3Small(reshape: (key, shape) => key == "classifier.0.weight" ? [1024, 96] : shape);
        using var file = new NpzStateDict(path);
        var e = Assert.Throws<StateDictException>(() => MobileNets.Blocks(MobileNetModel.V3Small, file));
        Assert.Equal("classifier.0.weight", e.Key);
        Assert.Equal([1024, 576], e.ExpectedShape);
        Assert.Equal([1024, 96], e.ActualShape);
        Assert.Contains("has shape (1024, 96), the network needs (1024, 576)", e.Message);
    }

    [Theory]
    [InlineData(-0.5f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void A_running_variance_that_is_negative_or_not_finite_is_named_by_its_key(float value)
    {
        const string Key = "features.4.block.0.1.running_var";
        var (path, _) = WriteV3Small(values: (key, data) => key == Key ? [value, .. data[1..]] : data);
        using var file = new NpzStateDict(path);
        var e = Assert.Throws<StateDictException>(() => MobileNets.Blocks(MobileNetModel.V3Small, file));
        Assert.Equal(Key, e.Key);
        Assert.Equal($"'{Key}' cannot be a BatchNorm's running variance: variance[0] must be finite and not negative (it is {value})", e.Message);
    }

    [Fact]
    public void Another_model_s_weights_are_refused()
    {
        var (path, _) = WriteV3Small();
        using var file = new NpzStateDict(path);
        Assert.Throws<StateDictException>(() => MobileNets.Blocks(MobileNetModel.V3Large, file));
        Assert.Throws<StateDictException>(() => MobileNets.Blocks(MobileNetModel.V2, file));
    }

    [Fact]
    public void Squeeze_widths_follow_torchvision_s_rounding()
    {
        // _make_divisible(expanded // 4, 8) for the widths in torchvision's v3 tables.
        foreach (var (expanded, squeeze) in new[] { (16, 8), (72, 24), (96, 24), (120, 32), (144, 40), (240, 64), (288, 72), (480, 120), (576, 144), (672, 168), (960, 240) })
            Assert.Equal(squeeze, MobileNetV3.MakeDivisible(expanded / 4, 8));
    }
}
