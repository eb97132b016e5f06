using Onnx;

namespace NativeConv.Onnx;

/// <summary>
/// The import, in ONNX Runtime's order: parse → fold constants (with shapes) → fuse patterns → drop what no output
/// needs → lower every node, collecting every node that cannot run → one <see cref="OnnxNotSupportedException"/>
/// listing them all, or the checked <see cref="NetworkGraph"/>. A broken file is an <see cref="OnnxFormatException"/>;
/// nothing is left for the first call to find.
/// </summary>
internal static class OnnxImporter
{
    public const int MinOpset = 11;
    public const int MaxOpset = 18;

    public static ImportedModel Import(byte[] bytes, string modelName, string? directory)
    {
        ModelProto model = Parse(bytes, modelName);
        int opset = Opset(model, modelName);
        OnnxGraph graph = OnnxGraph.From(model, opset, modelName, directory);
        Propagation.Run(graph);
        foreach (IFusion fusion in Fusions.All) fusion.Apply(graph);
        Propagation.RemoveUnused(graph);
        return Lower(graph);
    }

    public static ModelProto Parse(byte[] bytes, string modelName)
    {
        try
        {
            return ModelProto.Parser.ParseFrom(bytes);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new OnnxFormatException($"{modelName}: not an ONNX model (the protobuf does not parse: {e.Message})", e);
        }
    }

    private static int Opset(ModelProto model, string modelName)
    {
        var onnx = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").ToList();
        if (onnx.Count == 0) throw new OnnxFormatException($"{modelName}: the model imports no ONNX opset (opset_import has no entry for the default domain)");
        if (onnx.Select(o => o.Version).Distinct().Count() > 1) throw new OnnxFormatException($"{modelName}: the model imports the ONNX domain twice, at opsets {string.Join(" and ", onnx.Select(o => o.Version))}");
        long version = onnx[0].Version;
        if (version < MinOpset || version > MaxOpset)
            throw new OnnxNotSupportedException(modelName, [new OnnxUnsupportedNode("model", modelName, $"ONNX opset {version}: only opsets {MinOpset} to {MaxOpset}")],
                $"opsets {MinOpset} to {MaxOpset} (re-export, e.g. torch.onnx.export(..., opset_version=13))");
        return (int)version;
    }

    private static ImportedModel Lower(OnnxGraph graph)
    {
        var builder = new GraphBuilder();
        var context = new LowerContext(graph, builder);
        var read = graph.Nodes.SelectMany(n => n.Inputs).ToHashSet(StringComparer.Ordinal);
        var inputs = new List<OnnxTensorInfo>();
        foreach (ValueInfoProto input in graph.Inputs)
        {
            ValueInfo info = graph.Values[input.Name];
            string? reason = info.Type != ElementType.Float ? $"{ElementType.Name(info.Type)} input: only float32 inputs"
                : info.Shape is not { Length: 4 } s ? $"input of rank {info.Shape?.Length.ToString() ?? "unknown"}: only (N, C, H, W) images"
                : !s[1].IsKnown ? $"input {Shapes.Text(s)} whose channel count is not a fixed size"
                : s.Any(d => d.Size is < 1 or > int.MaxValue) ? $"input {Shapes.Text(s)}: a fixed dimension must be from 1 to {int.MaxValue}"
                : !read.Contains(input.Name) ? "an input no node that runs reads"
                : null;
            if (reason is not null)
            {
                context.Unsupported.Add(new OnnxUnsupportedNode("input", input.Name, reason));
                context.MarkMissing(input.Name);
                continue;
            }
            context.Reserve(input.Name);
            context.Input(input.Name, builder.Input(input.Name, (int)info.Shape![1].Size!.Value));
            inputs.Add(new OnnxTensorInfo(input.Name, ElementType.Name(info.Type), Dimensions(input, info)));
        }
        foreach (Node node in graph.Nodes)
        {
            if (OpTable.Find(node) is not { } op)
            {
                context.Refuse(node, OpTable.NoMapping(node));
                continue;
            }
            try
            {
                op.Lower(node, context);
            }
            catch (ArgumentException e)
            {
                context.Refuse(node, e.Message);
            }
        }
        var outputs = new List<OnnxTensorInfo>();
        var ranks = new List<int>();
        foreach (ValueInfoProto output in graph.Outputs)
        {
            if (context.IsMissing(output.Name)) continue;
            ValueInfo info = graph.Values[output.Name];
            string? reason = null;
            if (info.IsConstant) reason = "the output is a constant";
            else if (context.Output(output.Name) is not { } map) reason = "the output is no feature map computed at a call";
            else
            {
                ValueInfo declared = Propagation.Declared(output);
                if (declared.Shape is { } d && info.Shape is { } made && (d.Length != made.Length || d.Zip(made).Any(p => p.First.IsKnown && p.Second.IsKnown && p.First.Size != p.Second.Size)))
                    throw new OnnxFormatException($"{graph.Model}: graph output '{output.Name}' is declared {Shapes.Text(d)}, but the graph makes {Shapes.Text(made)}");
                try
                {
                    builder.Output(map.Value, output.Name);
                    outputs.Add(new OnnxTensorInfo(output.Name, ElementType.Name(info.Type), Dimensions(output, info)));
                    ranks.Add(map.Rank);
                }
                catch (ArgumentException e)
                {
                    reason = e.Message;
                }
            }
            if (reason is not null) context.Unsupported.Add(new OnnxUnsupportedNode("output", output.Name, reason));
        }
        if (context.Unsupported.Count > 0) throw new OnnxNotSupportedException(graph.Model, context.Unsupported, OpTable.Supported);
        NetworkGraph network = builder.Build();
        return new ImportedModel(network, inputs, outputs, ranks, Report(graph, context, network), graph.Opset, graph.Model);
    }

    /// <summary>The file's dimensions where it declares them, else what folding found.</summary>
    private static OnnxDimension[] Dimensions(ValueInfoProto value, ValueInfo info)
    {
        Dim[] dims = Propagation.Declared(value).Shape ?? info.Shape ?? [];
        return dims.Select(d => new OnnxDimension(d.Size, d.Size is null && d.Symbol is { } s && !s.StartsWith('?') ? s : null)).ToArray();
    }

    /// <summary>
    /// What became of each node of the file: its operations (with their definitions), or its fate. A node fused into one
    /// a fusion made (a Split of Slices, a channel shuffle) names that node's operations too: they have no line of their own.
    /// </summary>
    private static List<OnnxNodeLowering> Report(OnnxGraph graph, LowerContext context, NetworkGraph network)
    {
        var definitions = network.Describe().ToDictionary(line => line[..line.IndexOf(": ", StringComparison.Ordinal)], line => line, StringComparer.Ordinal);
        var original = graph.Original.ToHashSet();
        string Operations(Node node) => string.Join("; ", context.Operations[node].Select(o => definitions.GetValueOrDefault(o, o)));
        string Became(Node node)
        {
            if (context.Operations.ContainsKey(node)) return Operations(node);
            if (graph.Fates.TryGetValue(node, out var fate))
            {
                if (fate.Into is not { } into) return fate.Fate;
                while (graph.Fates.TryGetValue(into, out var next) && next.Into is { } further) into = further; // HardSigmoid -> HardSwish -> Conv
                return !original.Contains(into) && context.Operations.ContainsKey(into) ? $"fused into {into}: {Operations(into)}" : $"fused into {into}";
            }
            return "a view of its input (no operation)";
        }
        return graph.Original.Select(n => new OnnxNodeLowering(n.Kind, n.Name, Became(n))).ToList();
    }
}
