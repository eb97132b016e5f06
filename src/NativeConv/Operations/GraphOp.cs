namespace NativeConv;

/// <summary>
/// One operation of a network graph: its definition and shape rule. Each kind lives in its own folder under
/// Operations/ (XNNPACK's subgraph manner): the definition with its <see cref="GraphBuilder"/> method, the managed
/// lowering (vectorized C#, what every backend falls back to), the reference (double, the tests' oracle), and one
/// lowering per library that has a primitive for it (<see cref="IOneDnnOperation"/>, <see cref="IXnnpackOperation"/>,
/// <see cref="IXnnpackNode"/>). The runner, the planner and <c>--explain</c> read these members; nothing switches on the kind.
/// </summary>
internal abstract class GraphOp
{
    protected GraphOp(string name, int[] inputs, int[] outputs)
    {
        Name = name;
        Inputs = inputs;
        Outputs = outputs;
    }

    /// <summary>Where it comes from, e.g. <c>features.3.conv.1</c> (named in errors and plans).</summary>
    public string Name { get; }

    /// <summary>The values it reads.</summary>
    public int[] Inputs { get; }

    /// <summary>The values it makes.</summary>
    public int[] Outputs { get; }

    /// <summary>Its one output, for the operations that make one.</summary>
    public int Output => Outputs[0];

    /// <summary>A short statement of what it computes, e.g. "max pool 3x3 stride 2 padding 1": named by <c>--explain</c> and hashed into plans.</summary>
    public abstract string Definition { get; }

    /// <summary>
    /// Its outputs' shapes (N, C, H, W) from its inputs'; an <see cref="ArgumentException"/> saying what does not fit
    /// (the caller names the operation).
    /// </summary>
    public abstract void InferShapes(ReadOnlySpan<TensorShape> inputs, Span<TensorShape> outputs);

    /// <summary>The input whose buffer it may overwrite with its output (elementwise operations), or -1.</summary>
    public virtual int InPlaceInput => -1;

    /// <summary>Multiply-accumulates for these shapes (convolutions; 0 for the small operations).</summary>
    public virtual long MultiplyAccumulates(ReadOnlySpan<TensorShape> inputs, ReadOnlySpan<TensorShape> outputs) => 0;

    /// <summary>
    /// The operation in double precision straight from its definition, with the bound a float32 evaluation may be off by
    /// (<see cref="ReferenceContext"/>): what every backend is checked against. Inputs and outputs NHWC.
    /// </summary>
    public abstract ReferenceTensor[] Reference(ReferenceTensor[] inputs, ReferenceContext context);

    /// <summary>The vectorized managed implementation: the fallback of every backend.</summary>
    public abstract OpKernel LowerManaged();

    /// <summary>
    /// The kernel on <paramref name="backend"/>: the library's own where it has one for this operation, else the managed
    /// one. A convolution always runs on its backend's convolution (<see cref="ConvBackend.Create"/>).
    /// </summary>
    public virtual OpKernel LowerOn(ConvBackend backend, KernelCache kernels) => backend.LowerOperation(this) ?? LowerManaged();

    public override string ToString() => $"{Name}: {Definition}";
}
