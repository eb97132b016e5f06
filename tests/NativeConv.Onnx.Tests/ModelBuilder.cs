using Google.Protobuf;
using Onnx;

namespace NativeConv.Onnx.Tests;

/// <summary>
/// Small ONNX models written in C# (as onnx.helper writes them): inputs, initializers, nodes with attributes, outputs,
/// one opset. Seeded weights; <see cref="Bytes"/> is the serialized model.
/// </summary>
internal sealed class ModelBuilder(int opset = 13)
{
    private readonly Random _random = new(7);

    public ModelProto Model { get; } = new()
    {
        IrVersion = 8,
        ProducerName = "NativeConv.Onnx.Tests",
        Graph = new GraphProto { Name = "test" },
        OpsetImport = { new OperatorSetIdProto { Domain = "", Version = opset } },
    };

    public GraphProto Graph => Model.Graph;

    /// <summary>A graph input; a dimension is a size (long) or a symbol (string).</summary>
    public string Input(string name, params object[] dims) => Input(name, TensorProto.Types.DataType.Float, dims);

    public string Input(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        Graph.Input.Add(Info(name, type, dims));
        return name;
    }

    public void Output(string name, params object[] dims) => Graph.Output.Add(Info(name, TensorProto.Types.DataType.Float, dims));

    private static ValueInfoProto Info(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (object d in dims)
            shape.Dim.Add(d is string s ? new TensorShapeProto.Types.Dimension { DimParam = s } : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d) });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }

    /// <summary>A float initializer of the values given, or seeded uniform ones in [lo, hi).</summary>
    public string Float(string name, long[] dims, float[]? values = null, double lo = -1, double hi = 1)
    {
        long count = dims.Aggregate(1L, (p, d) => p * d);
        values ??= Enumerable.Range(0, (int)count).Select(_ => (float)(lo + (hi - lo) * _random.NextDouble())).ToArray();
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(values.SelectMany(BitConverter.GetBytes).ToArray()) };
        tensor.Dims.AddRange(dims);
        Graph.Initializer.Add(tensor);
        return name;
    }

    public string Int64(string name, params long[] values) => Int64(name, [values.Length], values);

    public string Int64(string name, long[] dims, long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims);
        tensor.Int64Data.AddRange(values);
        Graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>A scalar float initializer.</summary>
    public string Scalar(string name, float value)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.FloatData.Add(value);
        Graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>A node; attributes as (name, value) with long, float, string, long[], float[] or TensorProto values.</summary>
    public NodeProto Node(string op, string[] inputs, string[] outputs, string? name = null, params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name ?? outputs[0] };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        foreach (var (key, value) in attributes) node.Attribute.Add(Attribute(key, value));
        Graph.Node.Add(node);
        return node;
    }

    /// <summary>A one-output node named after its output.</summary>
    public string Op(string op, string output, string[] inputs, params (string Name, object Value)[] attributes)
    {
        Node(op, inputs, [output], output, attributes);
        return output;
    }

    public static AttributeProto Attribute(string name, object value) => value switch
    {
        long i => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = i },
        int i => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = i },
        float f => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = f },
        string s => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(s) },
        long[] ints => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { ints } },
        float[] floats => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats, Floats = { floats } },
        TensorProto t => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = t },
        _ => throw new ArgumentException($"attribute {name}: {value.GetType()}"),
    };

    /// <summary>A convolution with seeded weights (and bias): its output's name.</summary>
    public string Conv(string output, string input, int inChannels, int outChannels, int kernel, int group = 1, bool bias = true, params (string Name, object Value)[] attributes)
    {
        string w = Float(output + ".w", [outChannels, inChannels / group, kernel, kernel], lo: -0.5, hi: 0.5);
        string[] inputs = bias ? [input, w, Float(output + ".b", [outChannels], lo: -0.2, hi: 0.2)] : [input, w];
        return Op("Conv", output, inputs, [("group", (long)group), ("kernel_shape", new long[] { kernel, kernel }), .. attributes]);
    }

    public byte[] Bytes() => Model.ToByteArray();
}
