using NativeConv.Onnx;

namespace NativeConv.Cli;

/// <summary>
/// `nativeconv onnx inspect`: what the model became. Its inputs and outputs, every ONNX node and what it became (an
/// operation, fused into one, folded, removed), then the network's operations and which library runs each: after one
/// call on seeded input when the input's size is known (fixed in the file, or --size), else as defined.
/// </summary>
internal static class OnnxInspectCommand
{
    public static int Run(CommandLine line, TextWriter output)
    {
        OnnxOptions options = OnnxOptions.Parse(line);
        using OnnxModel model = options.Load();
        output.WriteLine($"{options.Model}: opset {model.Opset}");
        foreach (OnnxTensorInfo input in model.Inputs) output.WriteLine($"  input  {input}");
        foreach (OnnxTensorInfo o in model.Outputs) output.WriteLine($"  output {o}");
        output.WriteLine($"ONNX nodes ({model.Lowering.Count}):");
        foreach (OnnxNodeLowering node in model.Lowering) output.WriteLine($"  {node}");
        int[]? shape = null;
        try
        {
            shape = OnnxOptions.InputShape(model, line);
        }
        catch (ArgumentException e)
        {
            output.WriteLine($"network ({model.Graph.OperationCount} operations; libraries are chosen at the first call: {e.Message}):");
        }
        if (shape is not null)
        {
            var x = new float[shape.Aggregate(1, (a, b) => checked(a * b))];
            var random = new Random(0);
            for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);
            var y = new float[model.OutputShapes(new Dictionary<string, int[]> { [model.Inputs[0].Name] = shape }).Values.Sum(s => s.Aggregate(1, (a, b) => a * b))];
            if (model.Outputs.Count == 1) model.Forward(x, shape, y);
            else model.Run(new Dictionary<string, OnnxTensor> { [model.Inputs[0].Name] = new(x, shape) });
            output.WriteLine($"network ({model.Graph.OperationCount} operations on {model.Network.BackendName}, as run on [{string.Join("x", shape)}]):");
        }
        foreach (string describe in model.Network.Describe()) output.WriteLine($"  {describe}");
        return 0;
    }
}
