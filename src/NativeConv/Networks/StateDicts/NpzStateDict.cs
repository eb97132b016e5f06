using NativeConv.Npy;

namespace NativeConv;

/// <summary>
/// A PyTorch state_dict saved with NumPy: <c>np.savez(path, **{k: v.numpy() for k, v in model.state_dict().items()})</c>.
/// Tensors are read on demand from the archive.
/// </summary>
public sealed class NpzStateDict : IStateDict, IDisposable
{
    private readonly NpzArchive _archive;

    public NpzStateDict(string path) => _archive = NpzArchive.Open(path);

    public string Path => _archive.Path;

    public IReadOnlyCollection<string> Keys => _archive.Keys;

    public float[] Read(string key, ReadOnlySpan<int> shape)
    {
        if (!_archive.ContainsKey(key))
            throw new StateDictException($"{Path}: the network needs '{key}' {StateDictException.Describe(shape.ToArray())}, which the file does not have", key, shape.ToArray());
        try
        {
            return _archive.ReadFloat32(key, shape);
        }
        catch (NpyShapeMismatchException e)
        {
            throw new StateDictException($"{Path}: '{key}' has shape {StateDictException.Describe(e.ActualShape)}, the network needs {StateDictException.Describe(e.ExpectedShape)}",
                key, e.ExpectedShape, e.ActualShape, e);
        }
        catch (NpyFormatException e)
        {
            throw new StateDictException($"{Path}: '{key}': {e.Message}", key, shape.ToArray(), null, e);
        }
    }

    public void Dispose() => _archive.Dispose();
}
