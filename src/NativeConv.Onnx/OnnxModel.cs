namespace NativeConv.Onnx;

/// <summary>
/// An ONNX model run by NativeConv: loaded once (parsed, constants folded, patterns fused, every node checked, a
/// <see cref="NetworkGraph"/> built; anything it cannot run is refused here, all at once), then run many times through
/// a <see cref="ConvNetwork"/> with its guarantees (checked calls, NHWC inside, any backend or auto, batches, plan files).
/// Inputs and outputs go by their ONNX names; symbolic dimensions (batch, height, width) are bound by each call, fixed
/// ones are checked.
/// <code>
/// using var model = OnnxModel.Load("mobilenet_v2.onnx", new OnnxModelOptions { Network = new NetworkOptions { Backend = "onednn" } });
/// var logits = model.Run(new Dictionary&lt;string, OnnxTensor&gt; { ["input"] = new(image, [1, 3, 224, 224]) })["output"];
/// </code>
/// </summary>
public sealed class OnnxModel : IDisposable
{
    private readonly ConvBackends? _ownedBackends;
    private readonly ImportedModel _imported;

    private OnnxModel(ImportedModel imported, OnnxModelOptions options)
    {
        _imported = imported;
        // The file's bytes, the parsed protobuf and the lowering's intermediate tensors are garbage now, most of it on
        // the large object heap, which only a full collection frees: freed (and given back to the system) before the
        // libraries' copies of the weights are made, a process's peak memory stays near one copy of the model instead
        // of several (docs/benchmarks.md, ONNX zoo).
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        ConvBackends backends = options.Backends ?? (_ownedBackends = new ConvBackends(options.BackendOptions ?? new NativeConvOptions()));
        try
        {
            Network = new ConvNetwork(imported.Graph, backends, options.Network);
            CheckDeclaredShapes();
        }
        catch
        {
            Network?.Dispose();
            _ownedBackends?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// When the file fixes every input's channels, height and width, the whole graph must take them (the batch, if
    /// symbolic, as 1): what a first call would find, found at load.
    /// </summary>
    private void CheckDeclaredShapes()
    {
        if (!Inputs.All(i => i.Dimensions.Skip(1).All(d => d.Size is > 0 and <= int.MaxValue))) return;
        var shapes = Inputs.Select(i => new TensorShape((int)(i.Dimensions[0].Size is > 0 and <= int.MaxValue ? i.Dimensions[0].Size!.Value : 1),
            (int)i.Dimensions[1].Size!.Value, (int)i.Dimensions[2].Size!.Value, (int)i.Dimensions[3].Size!.Value)).ToArray();
        try
        {
            _ = Network.OutputShapes(shapes);
        }
        catch (ArgumentException e)
        {
            throw new OnnxFormatException($"{_imported.Name}: the graph cannot take the inputs it declares ({string.Join(", ", Inputs)}): {e.Message}", e);
        }
    }

    /// <summary>
    /// Loads the model at <paramref name="path"/> (external data files beside it). Throws <see cref="OnnxFormatException"/>
    /// for a file that is not a usable ONNX model, <see cref="OnnxNotSupportedException"/> listing every node that cannot run.
    /// </summary>
    public static OnnxModel Load(string path, OnnxModelOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new OnnxModelOptions();
        byte[] bytes;
        try
        {
            long length = new FileInfo(path).Length;
            if (length > options.MaxModelBytes) throw new OnnxFormatException($"{path}: {length} bytes, more than MaxModelBytes ({options.MaxModelBytes}); keep large weights in external data files");
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{path}: {e.Message}", e);
        }
        return new OnnxModel(OnnxImporter.Import(bytes, path, Path.GetDirectoryName(Path.GetFullPath(path))), options);
    }

    /// <summary>A model from its bytes (external data relative to <paramref name="directory"/>, if any): as <see cref="Load(string, OnnxModelOptions?)"/>.</summary>
    public static OnnxModel Load(byte[] bytes, string? directory = null, OnnxModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return new OnnxModel(OnnxImporter.Import(bytes, "model", directory), options ?? new OnnxModelOptions());
    }

    /// <summary>The network that runs the model.</summary>
    public ConvNetwork Network { get; }

    /// <summary>The graph the model became (its operations, with ONNX names where they come from one node).</summary>
    public NetworkGraph Graph => _imported.Graph;

    /// <summary>The inputs as the file declares them, in the order <see cref="NetworkGraph.Inputs"/> takes them.</summary>
    public IReadOnlyList<OnnxTensorInfo> Inputs => _imported.Inputs;

    /// <summary>The outputs as the file declares them, in order.</summary>
    public IReadOnlyList<OnnxTensorInfo> Outputs => _imported.Outputs;

    /// <summary>The model's ONNX opset.</summary>
    public int Opset => _imported.Opset;

    /// <summary>What became of every node of the file (an operation, fused into one, folded, removed).</summary>
    public IReadOnlyList<OnnxNodeLowering> Lowering => _imported.Lowering;

    public TensorLayout Layout => Network.Layout;

    /// <summary>Each output's shape (in the call layout) for these input shapes; throws naming what does not fit.</summary>
    public IReadOnlyDictionary<string, int[]> OutputShapes(IReadOnlyDictionary<string, int[]> inputShapes)
    {
        TensorShape[] shapes = InputShapes(inputShapes);
        IReadOnlyList<TensorShape> made = Network.OutputShapes(shapes);
        return Outputs.Select((o, k) => (o.Name, Dims(made[k], _imported.OutputRanks[k]))).ToDictionary(p => p.Name, p => p.Item2, StringComparer.Ordinal);
    }

    /// <summary>The output's shape for a model of one input.</summary>
    public int[] OutputShape(int[] inputShape)
    {
        Single(Outputs, "output");
        return Dims(Network.OutputShape(Logical(Single(Inputs, "input"), inputShape)), _imported.OutputRanks[0]);
    }

    /// <summary>Runs the model on inputs by name, into new output arrays by name.</summary>
    public IReadOnlyDictionary<string, OnnxTensor> Run(IReadOnlyDictionary<string, OnnxTensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        IReadOnlyDictionary<string, int[]> shapes = OutputShapes(inputs.ToDictionary(p => p.Key, p => p.Value.Shape, StringComparer.Ordinal));
        var outputs = shapes.ToDictionary(p => p.Key, p => new float[p.Value.Aggregate(1, (a, b) => checked(a * b))], StringComparer.Ordinal);
        Run(inputs, outputs.ToDictionary(p => p.Key, p => (Memory<float>)p.Value, StringComparer.Ordinal));
        return outputs.ToDictionary(p => p.Key, p => new OnnxTensor(p.Value, shapes[p.Key]), StringComparer.Ordinal);
    }

    /// <summary>Runs the model on inputs by name into the caller's buffers by name (each of <see cref="OutputShapes"/>' length).</summary>
    public void Run(IReadOnlyDictionary<string, OnnxTensor> inputs, IReadOnlyDictionary<string, Memory<float>> outputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        TensorShape[] shapes = InputShapes(inputs.ToDictionary(p => p.Key, p => p.Value.Shape, StringComparer.Ordinal));
        var networkInputs = Inputs.Select((input, k) => new NetworkInput(inputs[input.Name].Data, shapes[k])).ToArray();
        foreach (string name in outputs.Keys)
            if (!Outputs.Any(o => o.Name == name)) throw new ArgumentException($"the model has no output '{name}' (outputs: {string.Join(", ", Outputs.Select(o => o.Name))})", nameof(outputs));
        var networkOutputs = Outputs.Select(o => outputs.TryGetValue(o.Name, out Memory<float> m) ? new NetworkOutput(m)
            : throw new ArgumentException($"no buffer for output '{o.Name}'", nameof(outputs))).ToArray();
        Network.Run(networkInputs, networkOutputs);
    }

    /// <summary>
    /// Runs a model of one input and one output: <paramref name="inputShape"/> in the call layout, <paramref name="output"/>
    /// of <see cref="OutputShape"/>. A warm call allocates nothing.
    /// </summary>
    public void Forward(ReadOnlySpan<float> input, ReadOnlySpan<int> inputShape, Span<float> output)
    {
        if (Inputs.Count != 1) Single(Inputs, "input");
        if (Outputs.Count != 1) Single(Outputs, "output");
        TensorShape shape = Logical(Inputs[0], inputShape);
        Network.Forward(input, output, shape.Batch, shape.Height, shape.Width);
    }

    /// <summary>Each graph input's logical shape, with every dimension the file fixes checked.</summary>
    private TensorShape[] InputShapes(IReadOnlyDictionary<string, int[]> given)
    {
        foreach (string name in given.Keys)
            if (!Inputs.Any(i => i.Name == name)) throw new ArgumentException($"the model has no input '{name}' (inputs: {string.Join(", ", Inputs.Select(i => i.Name))})", nameof(given));
        var shapes = new TensorShape[Inputs.Count];
        for (int k = 0; k < Inputs.Count; k++)
            shapes[k] = given.TryGetValue(Inputs[k].Name, out int[]? dims) ? Logical(Inputs[k], dims ?? [])
                : throw new ArgumentException($"no value for input '{Inputs[k].Name}' {Inputs[k]}", "inputs");
        return shapes;
    }

    /// <summary>An input's logical shape from its dimensions in the call layout, every dimension the file fixes checked.</summary>
    private TensorShape Logical(OnnxTensorInfo input, ReadOnlySpan<int> dims)
    {
        if (dims.Length != 4) throw new ArgumentException($"input '{input.Name}' must have 4 dimensions ({Axes}), not [{string.Join(", ", dims.ToArray())}]", "inputs");
        TensorShape shape = Layout == TensorLayout.Nchw ? new TensorShape(dims[0], dims[1], dims[2], dims[3]) : new TensorShape(dims[0], dims[3], dims[1], dims[2]);
        for (int a = 0; a < 4; a++)
        {
            int size = a switch { 0 => shape.Batch, 1 => shape.Channels, 2 => shape.Height, _ => shape.Width };
            if (input.Dimensions[a].Size is { } fixedSize && fixedSize != size)
                throw new ArgumentException($"input '{input.Name}' is {input} in the model (NCHW), which fixes {"NCHW"[a]} = {fixedSize}; got {shape.ToString(Layout)}", "inputs");
        }
        return shape;
    }

    private string Axes => Layout == TensorLayout.Nchw ? "N, C, H, W" : "N, H, W, C";

    private int[] Dims(TensorShape shape, int rank) => rank == 2 ? [shape.Batch, shape.Channels]
        : Layout == TensorLayout.Nchw ? [shape.Batch, shape.Channels, shape.Height, shape.Width] : [shape.Batch, shape.Height, shape.Width, shape.Channels];

    private static OnnxTensorInfo Single(IReadOnlyList<OnnxTensorInfo> list, string what) =>
        list.Count == 1 ? list[0] : throw new InvalidOperationException($"the model has {list.Count} {what}s ({string.Join(", ", list.Select(t => t.Name))}): call Run with them by name");

    public void Dispose()
    {
        Network.Dispose();
        _ownedBackends?.Dispose();
    }
}
