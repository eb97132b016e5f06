using System.Diagnostics;
using NativeConv.Npy;
using NativeConv.Onnx;

namespace NativeConv.Cli;

/// <summary>
/// `nativeconv onnx run`: an ONNX model on NumPy inputs, by the graph's input names (--input for a model of one input,
/// --inputs a=x.npy,b=y.npy for several), writing each output as .npy (--output for one, --output-dir D for one file
/// per output name). Tensors are NCHW, or NHWC with --layout nhwc (the graph's own input being NCHW); N may be left out.
/// </summary>
internal static class OnnxRunCommand
{
    public static int Run(CommandLine line, TextWriter log)
    {
        OnnxOptions options = OnnxOptions.Parse(line);
        string? single = line.Get("--input"), several = line.Get("--inputs"), output = line.Get("--output"), directory = line.Get("--output-dir");
        if ((single is null) == (several is null)) throw new ArgumentException("give --input x.npy (one graph input) or --inputs name=x.npy,... (by name), not both");
        if ((output is null) == (directory is null)) throw new ArgumentException("give --output y.npy (one graph output) or --output-dir D (one .npy per output name), not both");
        using OnnxModel model = options.Load();
        var files = single is not null
            ? new Dictionary<string, string> { [model.Inputs.Count == 1 ? model.Inputs[0].Name : throw new ArgumentException($"the model has {model.Inputs.Count} inputs ({string.Join(", ", model.Inputs.Select(i => i.Name))}): use --inputs name=x.npy,...", "--input")] = single }
            : several!.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2) is [var name, var file] && name.Length > 0 && file.Length > 0 ? (name, file)
                : throw new ArgumentException($"--inputs takes name=file.npy pairs, not '{p}'", "--inputs")).ToDictionary(p => p.name, p => p.file, StringComparer.Ordinal);
        if (output is not null && model.Outputs.Count != 1)
            throw new ArgumentException($"the model has {model.Outputs.Count} outputs ({string.Join(", ", model.Outputs.Select(o => o.Name))}): use --output-dir D", "--output");
        bool withoutBatch = false;
        var inputs = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        foreach (var (name, file) in files)
        {
            NpyArray array = NpyFile.Read(file);
            if (array.Rank is not (3 or 4)) throw new ArgumentException($"{file}: {NpyArray.Describe(array.Shape)} must have 4 dimensions ({(options.Layout == TensorLayout.Nchw ? "N, C, H, W" : "N, H, W, C")}) or 3 (without N)", "--input");
            withoutBatch |= array.Rank == 3;
            inputs[name] = new OnnxTensor(array.Data, array.Rank == 4 ? array.Shape : [1, .. array.Shape]);
        }
        var clock = Stopwatch.StartNew();
        IReadOnlyDictionary<string, OnnxTensor> results = model.Run(inputs);
        log.WriteLine($"{Path.GetFileName(options.Model)} (opset {model.Opset}, {model.Graph.OperationCount} operations) on {model.Network.BackendName} ({options.Layout}) " +
                      $"in {clock.Elapsed.TotalMilliseconds:0.###} ms including first-shape setup and planning");
        foreach (OnnxTensorInfo info in model.Outputs)
        {
            OnnxTensor tensor = results[info.Name];
            int[] shape = withoutBatch && tensor.Shape[0] == 1 ? tensor.Shape[1..] : tensor.Shape;
            string path = output ?? Path.Combine(directory!, FileName(info.Name) + ".npy");
            NpyFile.Write(path, new NpyArray(shape, tensor.Data.ToArray()));
            log.WriteLine($"wrote {path}: '{info.Name}' {NpyArray.Describe(shape)} float32");
        }
        return 0;
    }

    /// <summary>An output name as a file name: path separators and other characters a name cannot hold become '_'.</summary>
    internal static string FileName(string name)
    {
        char[] bad = [.. Path.GetInvalidFileNameChars(), '/', '\\', ':'];
        string file = new(name.Select(c => bad.Contains(c) ? '_' : c).ToArray());
        return file is "" or "." or ".." ? "_" + file : file;
    }
}
