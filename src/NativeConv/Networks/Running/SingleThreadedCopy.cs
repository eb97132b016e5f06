namespace NativeConv;

/// <summary>
/// A network program for one image on single-threaded forms of its backends, with kernels, native state and buffers
/// of its own: what each thread runs when a batch's images are shared between threads (<see cref="BatchSplit.ImagesAcrossThreads"/>).
/// </summary>
internal sealed unsafe class SingleThreadedCopy : IDisposable
{
    private readonly KernelCache _kernels = new();
    private readonly NetworkProgram _program;

    /// <param name="singleThreaded">The single-threaded form of the backend a name in the candidate stands for.</param>
    public SingleThreadedCopy(NetworkGraph graph, Candidate candidate, Func<string, ConvBackend> singleThreaded, ConvPrecision precision,
        TensorShape image, TensorLayout layout)
    {
        try
        {
            _program = new NetworkProgram(graph, candidate, singleThreaded, _kernels, precision, transformSources: []);
            Instance = _program.Instantiate(image, layout);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The program for one image, with its buffers.</summary>
    public ProgramInstance Instance { get; } = null!;

    /// <summary>Images [<paramref name="first"/>, <paramref name="end"/>) of the caller's pinned batch, one at a time.</summary>
    public void RunImages(float* input, float* output, int first, int end, long[]? ticks = null) =>
        _program.RunImages(Instance, input, output, first, end, ticks);

    public void Dispose()
    {
        Instance?.Dispose();
        _program?.Dispose();
        _kernels.Dispose();
    }
}
