namespace NativeConv;

/// <summary>
/// The programs a network's candidates run: the backends the options resolve to (at their thread count), one
/// <see cref="NetworkProgram"/> per candidate sharing one <see cref="KernelCache"/> (so a mix costs runs, not
/// preparation), and the execution contexts a plan runs on, whole-batch or with the images shared between threads.
/// </summary>
internal sealed class CandidatePrograms : IDisposable
{
    private readonly NetworkGraph _graph;
    private readonly NetworkOptions _options;
    private readonly List<ConvBackend> _backends = [];
    private readonly List<ConvBackend> _owned = []; // forms made here: thread counts, single-threaded copies
    private readonly Dictionary<string, ConvBackend?> _singleThreaded = new(StringComparer.Ordinal);
    private readonly KernelCache _kernels;
    private readonly Dictionary<Candidate, NetworkProgram> _programs = [];
    private readonly bool[] _bfloat16Values; // the values a bfloat16 network keeps in bfloat16

    public CandidatePrograms(NetworkGraph graph, ConvBackends backends, NetworkOptions options)
    {
        _graph = graph;
        _options = options;
        _bfloat16Values = options.Precision == ConvPrecision.BFloat16 ? BFloat16Values.Find(graph) : new bool[graph.ValueCount];
        _kernels = new KernelCache(options.Precision, _bfloat16Values);
        try
        {
            foreach (ConvBackend backend in Resolve(backends, options))
            {
                ConvBackend? threaded = options.Threads > 0 && backend.Threads != options.Threads ? backend.WithThreads(options.Threads) : null;
                if (threaded is not null) _owned.Add(threaded);
                _backends.Add(threaded ?? backend);
            }
            if (options.WholeRuntime && !_backends[0].HasWholeNetwork)
                throw new NotSupportedException($"backend '{_backends[0].Name}' cannot run a network whole (XNNPACK can, with its subgraph runtime)");
            // Weights checked and copied now, and a backend that cannot run the network says so now, not at the first call.
            foreach (ConvBackend backend in _backends) Program(Single(backend.Name));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The backends a network on <paramref name="options"/> may use: the named one, or auto's candidates that load here and run its precision.</summary>
    private static IReadOnlyList<ConvBackend> Resolve(ConvBackends backends, NetworkOptions options)
    {
        if (options.Backend != NetworkOptions.Auto) return [backends.Get(options.Backend)];
        var available = new List<ConvBackend>();
        var left = new List<string>();
        // The reference measures nothing worth choosing against a native backend: it is a candidate only when alone.
        IEnumerable<string> names = options.Candidates ?? (backends.Names.Count == 1 ? backends.Names : backends.Names.Where(n => n != ReferenceBackend.BackendName));
        foreach (string name in names)
        {
            if (!backends.TryGet(name, out ConvBackend? backend, out string? why)) left.Add($"'{name}' ({why})");
            else if (backend!.CannotRun(options.Precision) is { } cannot) left.Add($"'{name}' ({cannot})");
            else if (!options.WholeRuntime || backend.HasWholeNetwork) available.Add(backend);
            else left.Add($"'{name}' cannot run a network whole (XNNPACK can, with its subgraph runtime)");
        }
        return available.Count > 0 ? available
            : throw new NotSupportedException($"no candidate backend can run this network here: {string.Join("; ", left)}");
    }

    /// <summary>The backends, in the options' order, at the options' thread count.</summary>
    public IReadOnlyList<ConvBackend> Backends => _backends;

    /// <summary>One backend alone.</summary>
    public Candidate Single(string backend) => Candidate.Single(backend, _graph.Ops.Count, _options.WholeRuntime);

    /// <summary>The program of a candidate run all at once, made once and shared by every shape that uses it.</summary>
    public NetworkProgram Program(Candidate candidate)
    {
        candidate = candidate.WithSplit(BatchSplit.AllAtOnce);
        if (_programs.TryGetValue(candidate, out NetworkProgram? program)) return program;
        program = new NetworkProgram(_graph, candidate, BackendNamed, _kernels, _backends);
        _programs.Add(candidate, program);
        return program;
    }

    /// <summary>The program a plan says, made without measuring (the plan was checked to fit).</summary>
    public ShapeProgram Follow(NetworkPlan plan) =>
        plan.Chosen.Split == BatchSplit.ImagesAcrossThreads
            ? new ShapeProgram(plan, AcrossThreads(plan), () => AcrossThreads(plan))
            : AllAtOnce(plan, Program(plan.Chosen).Instantiate(plan.Inputs.ToArray(), plan.Layout));

    /// <summary>The whole batch at once on <paramref name="first"/>, and on more instances of its program for concurrent callers.</summary>
    public static ShapeProgram AllAtOnce(NetworkPlan plan, ProgramInstance first)
    {
        NetworkProgram program = first.Program;
        TensorShape[] inputs = plan.Inputs.ToArray();
        return new ShapeProgram(plan, new ExecutionContext(first), () => new ExecutionContext(program.Instantiate(inputs, plan.Layout)));
    }

    private ConvBackend BackendNamed(string name) => _backends.First(b => b.Name == name);

    /// <summary>The single-threaded form of a backend (made once, owned here); null when it has none or is single-threaded already.</summary>
    private ConvBackend? SingleThreadedForm(string name)
    {
        lock (_singleThreaded) // also asked for by execution contexts made on demand, outside the network's lock
        {
            if (_singleThreaded.TryGetValue(name, out ConvBackend? form)) return form;
            ConvBackend backend = BackendNamed(name);
            form = backend.Threads > 1 ? backend.WithThreads(1) : null;
            if (form is not null) _owned.Add(form);
            _singleThreaded.Add(name, form);
            return form;
        }
    }

    /// <summary>Whether the candidate's images can be shared between threads: each of its backends has a single-threaded form.</summary>
    public bool CanSplit(Candidate candidate) => candidate.Libraries.All(name => SingleThreadedForm(name) is not null);

    /// <summary>A candidate's images shared between as many threads as its backends have, each on its own single-threaded copy.</summary>
    public ExecutionContext AcrossThreads(NetworkPlan plan)
    {
        int threads = plan.Chosen.Libraries.Max(name => BackendNamed(name).Threads);
        TensorShape[] images = plan.Inputs.Select(i => i with { Batch = 1 }).ToArray();
        var copies = new List<SingleThreadedCopy>();
        var workers = new List<BatchWorker>();
        try
        {
            for (int t = 0; t < threads; t++)
                copies.Add(new SingleThreadedCopy(_graph, plan.Chosen, name => SingleThreadedForm(name)!, _options.Precision, _bfloat16Values, images, plan.Layout));
            foreach (SingleThreadedCopy copy in copies.Skip(1)) workers.Add(new BatchWorker(copy));
            return new ExecutionContext(copies[0], workers.ToArray(), plan.Inputs[0].Batch);
        }
        catch
        {
            foreach (BatchWorker worker in workers) worker.Dispose(); // disposes its copy
            foreach (SingleThreadedCopy copy in copies.Skip(1 + workers.Count)) copy.Dispose();
            copies.FirstOrDefault()?.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (NetworkProgram program in _programs.Values) program.Dispose();
        _programs.Clear();
        _kernels.Dispose();
        foreach (ConvBackend backend in _owned) backend.Dispose(); // kernels hold their own references: safe after them
        _owned.Clear();
    }
}
