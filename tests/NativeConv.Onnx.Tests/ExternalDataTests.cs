using Onnx;
using Xunit;

namespace NativeConv.Onnx.Tests;

/// <summary>
/// Initializers kept in a file beside the model (ONNX external data): read with their offset and length and the model
/// runs as with inline data; a missing file, a short one, an offset or length out of range, a path outside the model's
/// directory are each an <see cref="OnnxFormatException"/> naming the tensor and the file.
/// </summary>
public class ExternalDataTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nativeconv-onnx-external-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The classifier with W and B moved into weights.bin (B first, at offset 0; W after it), written beside model.onnx.</summary>
    private (ModelBuilder Model, string Path) External(Action<TensorProto, TensorProto>? change = null, int truncateTo = -1)
    {
        ModelBuilder m = SmallModels.Classifier();
        TensorProto w = m.Graph.Initializer.Single(t => t.Name == "W"), b = m.Graph.Initializer.Single(t => t.Name == "B");
        byte[] bin = [.. b.RawData.ToByteArray(), .. w.RawData.ToByteArray()];
        Move(b, 0, b.RawData.Length);
        Move(w, b.RawData.Length == 0 ? 16 : 16, 48);
        change?.Invoke(w, b);
        File.WriteAllBytes(Path.Combine(_dir, "weights.bin"), truncateTo >= 0 ? bin[..truncateTo] : bin);
        string path = Path.Combine(_dir, "model.onnx");
        File.WriteAllBytes(path, m.Bytes());
        return (m, path);
    }

    private static void Move(TensorProto t, long offset, long length)
    {
        t.ClearRawData();
        t.DataLocation = TensorProto.Types.DataLocation.External;
        t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
        t.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString() });
        t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString() });
    }

    private static OnnxModel Load(string path) =>
        OnnxModel.Load(path, new OnnxModelOptions { Backends = TestBackends.All, Network = new NetworkOptions { Backend = ReferenceBackend.BackendName } });

    [Fact]
    public void External_initializers_give_the_inline_model_s_results()
    {
        var (_, path) = External();
        float[] x = Enumerable.Range(0, 50).Select(i => (float)Math.Cos(i)).ToArray();
        using OnnxModel external = Load(path);
        using OnnxModel inline = SmallModels.Load(SmallModels.Classifier().Bytes());
        float[] a = external.Run(new Dictionary<string, OnnxTensor> { ["x"] = new(x, [1, 2, 5, 5]) })["y"].Data.ToArray();
        float[] b = inline.Run(new Dictionary<string, OnnxTensor> { ["x"] = new(x, [1, 2, 5, 5]) })["y"].Data.ToArray();
        Assert.Equal(b, a);
    }

    [Fact]
    public void A_missing_file_is_refused()
    {
        var (_, path) = External();
        File.Delete(Path.Combine(_dir, "weights.bin"));
        Assert.Contains("its external data file 'weights.bin' cannot be read", Assert.Throws<OnnxFormatException>(() => Load(path)).Message);
    }

    [Fact]
    public void A_file_too_short_is_refused()
    {
        var (_, path) = External(truncateTo: 40);
        Assert.Contains("has 40 bytes, too short for 48 bytes at offset 16", Assert.Throws<OnnxFormatException>(() => Load(path)).Message);
    }

    [Fact]
    public void An_offset_out_of_range_is_refused()
    {
        var (_, path) = External((w, _) => w.ExternalData.Single(e => e.Key == "offset").Value = "9223372036854775807");
        Assert.Contains("too short for 48 bytes at offset 9223372036854775807", Assert.Throws<OnnxFormatException>(() => Load(path)).Message);
    }

    [Fact]
    public void A_length_that_disagrees_with_the_dims_is_refused()
    {
        var (_, path) = External((w, _) => w.ExternalData.Single(e => e.Key == "length").Value = "44");
        Assert.Contains("needs 48 bytes, but its external data length is 44", Assert.Throws<OnnxFormatException>(() => Load(path)).Message);
    }

    [Theory]
    [InlineData("../weights.bin")]
    [InlineData("/etc/passwd")]
    public void A_location_outside_the_model_s_directory_is_refused(string location)
    {
        var (_, path) = External((w, _) => w.ExternalData.Single(e => e.Key == "location").Value = location);
        Assert.Contains("must be a path below the model's directory", Assert.Throws<OnnxFormatException>(() => Load(path)).Message);
    }
}
