using NativeConv.Npy;

namespace NativeConv.Testing;

/// <summary>Writes a model's seeded state_dict as an .npz the way torch + NumPy would (BatchNorm's num_batches_tracked included), without Python.</summary>
public static class StateDictFile
{
    /// <summary>Every tensor <paramref name="model"/> reads, from <see cref="RandomStateDict"/>(<paramref name="seed"/>), in reading order.</summary>
    public static List<(string Key, int[] Shape, float[] Data)> Tensors(MobileNetModel model, int seed)
    {
        var recorder = new Recorder(new RandomStateDict(seed));
        MobileNets.Blocks(model, recorder);
        return recorder.Tensors;
    }

    public static string Write(MobileNetModel model, int seed, string path)
    {
        NpzWriter.Save(path, writer =>
        {
            foreach (var (key, shape, data) in Tensors(model, seed))
            {
                writer.Write(key, new NpyArray(shape, data));
                if (key.EndsWith(".running_var", StringComparison.Ordinal))
                    writer.WriteInt64Scalar(key.Replace("running_var", "num_batches_tracked", StringComparison.Ordinal), 0);
            }
        });
        return path;
    }

    private sealed class Recorder(IStateDict inner) : IStateDict
    {
        public List<(string Key, int[] Shape, float[] Data)> Tensors { get; } = [];

        public IReadOnlyCollection<string> Keys => inner.Keys;

        public float[] Read(string key, ReadOnlySpan<int> shape)
        {
            float[] data = inner.Read(key, shape);
            Tensors.Add((key, shape.ToArray(), data));
            return data;
        }
    }
}
