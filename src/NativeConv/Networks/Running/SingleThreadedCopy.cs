namespace NativeConv;

/// <summary>
/// A network program for one image on single-threaded forms of its backends, with kernels, native state and buffers
/// of its own: what each thread runs when a batch's images are shared between threads (<see cref="BatchSplit.ImagesAcrossThreads"/>).
/// </summary>
internal sealed unsafe class SingleThreadedCopy : IDisposable
{
    private readonly KernelCache _kernels;
    private readonly NetworkProgram _program = null!;

    /// <param name="singleThreaded">The single-threaded form of the backend a name in the candidate stands for.</param>
    /// <param name="images">One image per graph input.</param>
    public SingleThreadedCopy(NetworkGraph graph, Candidate candidate, Func<string, ConvBackend> singleThreaded, ConvPrecision precision, bool[] bfloat16Values,
        TensorShape[] images, TensorLayout layout)
    {
        _kernels = new KernelCache(precision, bfloat16Values);
        try
        {
            _program = new NetworkProgram(graph, candidate, singleThreaded, _kernels, transformSources: []);
            Instance = _program.Instantiate(images, layout);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The program for one image, with its buffers.</summary>
    public ProgramInstance Instance { get; } = null!;

    /// <summary>
    /// Images [<paramref name="first"/>, <paramref name="end"/>) of the caller's pinned batch, one at a time (an image is
    /// contiguous in NCHW and NHWC alike, so each tensor's k-th image starts k image lengths in).
    /// </summary>
    public void RunImages(float** inputs, float** outputs, int first, int end, long[]? ticks = null)
    {
        int ins = Instance.Inputs.Length, outs = Instance.OutputTransforms.Length;
        float** x = stackalloc float*[ins];
        float** y = stackalloc float*[outs];
        for (int i = first; i < end; i++)
        {
            for (int k = 0; k < ins; k++) x[k] = inputs[k] + (long)i * Instance.Inputs[k].Length;
            for (int k = 0; k < outs; k++) y[k] = outputs[k] + (long)i * Instance.Output(k).Length;
            Instance.Run(x, y, ticks);
        }
    }

    public void Dispose()
    {
        Instance?.Dispose();
        _program?.Dispose();
        _kernels.Dispose();
    }
}
