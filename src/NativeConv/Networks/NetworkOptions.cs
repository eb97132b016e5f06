namespace NativeConv;

/// <summary>
/// How a network runs, in one object (as ONNX Runtime's <c>SessionOptions</c>): which backend or <see cref="Auto"/>,
/// the precision, threads, the caller's layout, how long <see cref="Auto"/> may measure a new input shape, where
/// measured plans are kept. Every combination the libraries support is accepted; the others are refused when the
/// network is made, with the reason.
/// </summary>
public sealed record NetworkOptions
{
    /// <summary>The backend name that plans over several backends.</summary>
    public const string Auto = "auto";

    /// <summary>
    /// A registered backend's name, or <see cref="Auto"/> (the default): the first call for each input shape measures
    /// the <see cref="Candidates"/> within <see cref="PlanningBudget"/> and keeps the fastest way to run it.
    /// </summary>
    public string Backend { get; init; } = Auto;

    /// <summary>The backends <see cref="Auto"/> measures; null: every registered backend but the reference that loads here.</summary>
    public IReadOnlyList<string>? Candidates { get; init; }

    /// <summary>
    /// The arithmetic of the convolutions (tensors are float32 either way): bfloat16 runs on oneDNN, dynamic int8 on
    /// XNNPACK; with <see cref="Auto"/>, only the backends that have the precision are candidates.
    /// </summary>
    public ConvPrecision Precision { get; init; } = ConvPrecision.Float32;

    /// <summary>Threads per call; 0 (the default): the backends' own (<see cref="NativeConvOptions.Threads"/>).</summary>
    public int Threads { get; init; }

    /// <summary>The layout of the caller's input and output; inside, values stay NHWC.</summary>
    public TensorLayout Layout { get; init; } = TensorLayout.Nchw;

    /// <summary>
    /// How long <see cref="Auto"/> may measure in the first call for a new input shape; null (the default):
    /// <see cref="DefaultPlanningBudget"/> for the shape's batch. Once measured, every call runs the chosen plan.
    /// </summary>
    public TimeSpan? PlanningBudget { get; init; }

    /// <summary>
    /// With <see cref="Auto"/>: may the plan give each operation the library that ran it fastest (both libraries share
    /// one thread team, so crossing costs no pool wake-up). True by default; false keeps each backend whole.
    /// </summary>
    public bool Mixing { get; init; } = true;

    /// <summary>
    /// A plan to follow for its input shape (from <see cref="NetworkPlan.Load"/>) when it fits this network, machine and
    /// version; otherwise <see cref="ConvNetwork.PlanRejection"/> says why and the shape is measured.
    /// </summary>
    public NetworkPlan? Plan { get; init; }

    /// <summary>
    /// With <see cref="Auto"/>: keep each measured plan in this directory (one file per network, input shape, layout,
    /// machine and configuration) and follow the file for a shape instead of measuring it. Null: plans live as long as
    /// their network.
    /// </summary>
    public string? PlanDirectory { get; init; }

    /// <summary>
    /// Hand the whole network to the backend as one native object that plans its own memory (XNNPACK's subgraph
    /// runtime) instead of running it operation by operation: float32, one backend that has the form.
    /// </summary>
    public bool WholeRuntime { get; init; }

    /// <summary>
    /// Input shapes whose native state and buffers are kept; the least recently used is released when a new one
    /// needs room. Plans chosen for a shape outlive its eviction: the shape is not measured again.
    /// </summary>
    public int ShapeCacheSize { get; init; } = 8;

    /// <summary>
    /// Calls that may run at once on the network, each on activation buffers and native states of its own (made when a
    /// call first needs them, kept for later calls; weights, packed weights and plans are shared); further callers wait
    /// for one to return. 0 (the default): the processor count. With <see cref="Threads"/> T, N callers fit the machine
    /// when N × T does not exceed its cores.
    /// </summary>
    public int MaxConcurrentCalls { get; init; }

    /// <summary>The bound <see cref="MaxConcurrentCalls"/> means.</summary>
    internal int ConcurrentCalls => MaxConcurrentCalls > 0 ? MaxConcurrentCalls : Environment.ProcessorCount;

    /// <summary>250 ms for one image, 50 ms more per further image (1 s at batch 16): a few hundred calls' time at most.</summary>
    public static TimeSpan DefaultPlanningBudget(int batch) => TimeSpan.FromMilliseconds(250 + 50.0 * (Math.Max(batch, 1) - 1));

    /// <summary>The budget for a shape of <paramref name="batch"/> images.</summary>
    public TimeSpan BudgetFor(int batch) => PlanningBudget ?? DefaultPlanningBudget(batch);

    /// <summary>Throws naming the setting when a value is out of range (combinations are checked against the backends).</summary>
    internal void Check()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Backend, nameof(Backend));
        ConvArguments.CheckLayout(Layout);
        if (!Enum.IsDefined(Precision)) throw new ArgumentOutOfRangeException(nameof(Precision), Precision, "not a precision");
        if (Threads < 0) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "must be 0 (the backends' own) or more");
        if (PlanningBudget is { } budget && budget < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(PlanningBudget), budget, "must not be negative");
        if (MaxConcurrentCalls < 0) throw new ArgumentOutOfRangeException(nameof(MaxConcurrentCalls), MaxConcurrentCalls, "must be 0 (the processor count) or more");
        if (ShapeCacheSize < 1) throw new ArgumentOutOfRangeException(nameof(ShapeCacheSize), ShapeCacheSize, "must be at least 1");
        if (Candidates is { Count: 0 }) throw new ArgumentException("Candidates must name at least one backend (null: all)", nameof(Candidates));
        if (Backend != Auto && Candidates is not null) throw new ArgumentException($"Candidates are for Backend = \"{Auto}\", not '{Backend}'", nameof(Candidates));
        if (Backend != Auto && PlanDirectory is not null) throw new ArgumentException($"PlanDirectory is for Backend = \"{Auto}\": on '{Backend}' there is nothing to choose", nameof(PlanDirectory));
        if (Backend != Auto && Plan is not null) throw new ArgumentException($"Plan is for Backend = \"{Auto}\": a plan chooses the backends", nameof(Plan));
        if (PlanDirectory is not null)
        {
            try
            {
                _ = Path.GetFullPath(PlanDirectory);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
            {
                throw new ArgumentException($"PlanDirectory '{PlanDirectory}' is not a usable path: {e.Message}", nameof(PlanDirectory), e);
            }
        }
        if (WholeRuntime && Precision != ConvPrecision.Float32)
            throw new ArgumentException($"WholeRuntime runs float32; {Precision} runs operation by operation", nameof(WholeRuntime));
    }
}
