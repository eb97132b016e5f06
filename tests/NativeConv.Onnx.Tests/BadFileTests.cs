using Google.Protobuf;
using Onnx;
using Xunit;

namespace NativeConv.Onnx.Tests;

/// <summary>
/// The catalogue of broken and unusable files: each is refused when the model is loaded, with a typed exception whose
/// message says what is wrong where; none crashes, none reaches a call.
/// </summary>
public class BadFileTests
{
    private static OnnxFormatException Broken(byte[] bytes, string expected)
    {
        var e = Assert.Throws<OnnxFormatException>(() => SmallModels.Load(bytes));
        Assert.Contains(expected, e.Message);
        return e;
    }

    private static OnnxFormatException Broken(ModelBuilder m, string expected) => Broken(m.Bytes(), expected);

    [Fact]
    public void A_valid_model_loads_and_runs()
    {
        using OnnxModel model = SmallModels.Load(SmallModels.Classifier().Bytes());
        var y = model.Run(new Dictionary<string, OnnxTensor> { ["x"] = new(new float[2 * 2 * 25].Select((_, i) => (float)Math.Sin(i)).ToArray(), [2, 2, 5, 5]) });
        Assert.Equal([2, 4], y["y"].Shape);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(100)]
    [InlineData(300)]
    public void A_truncated_file_is_refused(int keep)
    {
        byte[] bytes = SmallModels.Classifier().Bytes();
        Assert.True(bytes.Length > keep);
        Exception e = Record.Exception(() => SmallModels.Load(bytes[..keep]))!;
        Assert.True(e is OnnxFormatException or OnnxNotSupportedException, $"{e.GetType()}: {e.Message}");
    }

    [Fact]
    public void Garbage_is_refused_as_not_an_ONNX_model()
    {
        var random = new Random(1);
        var garbage = new byte[4096];
        random.NextBytes(garbage);
        Assert.IsType<OnnxFormatException>(Record.Exception(() => SmallModels.Load(garbage)));
        Broken("this is not a model"u8.ToArray(), "model");
        Broken([], "imports no ONNX opset");
    }

    [Fact]
    public void A_cycle_is_refused_naming_its_nodes()
    {
        ModelBuilder m = SmallModels.Classifier();
        m.Graph.Node.Single(n => n.Name == "c").Input[0] = "r"; // conv reads relu, relu reads conv
        Broken(m, "cycle");
    }

    [Fact]
    public void A_missing_value_is_refused_naming_the_node()
    {
        ModelBuilder m = SmallModels.Classifier();
        m.Graph.Node.Single(n => n.Name == "p").Input[0] = "nowhere";
        Assert.Contains("'p' reads 'nowhere'", Broken(m, "no node, initializer or graph input makes").Message);
    }

    [Fact]
    public void A_value_made_twice_is_refused()
    {
        ModelBuilder m = SmallModels.Classifier();
        m.Graph.Node.Single(n => n.Name == "p").Output[0] = "r";
        Broken(m, "value 'r' is made twice");
        ModelBuilder initializer = SmallModels.Classifier();
        initializer.Float("r", [1]);
        Broken(initializer, "value 'r' is made twice");
        ModelBuilder twice = SmallModels.Classifier();
        twice.Float("W", [4, 3]);
        Broken(twice, "two initializers are named 'W'");
    }

    [Fact]
    public void An_initializer_whose_data_disagrees_with_its_dims_is_refused()
    {
        ModelBuilder raw = SmallModels.Classifier();
        TensorProto w = raw.Graph.Initializer.Single(t => t.Name == "W");
        w.RawData = ByteString.CopyFrom(w.RawData.Span[..20]);
        Broken(raw, "needs 48 bytes of raw data, not 20");
        ModelBuilder typed = SmallModels.Classifier();
        TensorProto b = typed.Graph.Initializer.Single(t => t.Name == "B");
        b.ClearRawData();
        b.FloatData.Add([1f, 2f]);
        Broken(typed, "has 2 values in float_data, not 4");
    }

    [Theory]
    [InlineData(new long[] { -1, 3 }, "negative dimension")]
    [InlineData(new long[] { 1L << 40, 1L << 40 }, "more elements than an array holds")]
    [InlineData(new long[] { long.MaxValue, 2 }, "more elements than an array holds")]
    public void Dims_that_overflow_or_are_negative_are_refused(long[] dims, string expected)
    {
        ModelBuilder m = SmallModels.Classifier();
        TensorProto w = m.Graph.Initializer.Single(t => t.Name == "W");
        w.Dims.Clear();
        w.Dims.Add(dims);
        Broken(m, expected);
    }

    [Theory]
    [InlineData((int)TensorProto.Types.DataType.Float16, "float16")]
    [InlineData((int)TensorProto.Types.DataType.Double, "float64")]
    [InlineData((int)TensorProto.Types.DataType.Int64, "int64")]
    public void Inputs_of_other_element_types_are_refused_by_name(int type, string named)
    {
        ModelBuilder m = SmallModels.Classifier();
        m.Graph.Input[0].Type.TensorType.ElemType = type;
        var e = Assert.Throws<OnnxNotSupportedException>(() => SmallModels.Load(m.Bytes()));
        OnnxUnsupportedNode input = Assert.Single(e.Nodes);
        Assert.Equal(("input", "x"), (input.OpType, input.Name));
        Assert.Contains($"{named} input: only float32", input.Reason);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(19)]
    [InlineData(7)]
    public void An_opset_out_of_range_is_refused(int opset)
    {
        var e = Assert.Throws<OnnxNotSupportedException>(() => SmallModels.Load(SmallModels.Classifier(opset).Bytes()));
        Assert.Contains($"ONNX opset {opset}: only opsets 11 to 18", e.Message);
    }

    [Fact]
    public void A_declared_input_the_graph_cannot_take_is_refused_at_load()
    {
        ModelBuilder m = SmallModels.Classifier();
        m.Graph.Node.Single(n => n.Name == "c").Attribute.Single(a => a.Name == "pads").Ints.Clear();
        m.Graph.Node.Single(n => n.Name == "c").Attribute.Single(a => a.Name == "pads").Ints.Add([0, 0, 0, 0]);
        m.Graph.Input[0].Type.TensorType.Shape.Dim[2].DimValue = 2; // a 3x3 kernel on 2x5, unpadded
        Broken(m, "cannot take the inputs it declares");
    }

    [Fact]
    public void A_declared_output_the_graph_does_not_make_is_refused()
    {
        ModelBuilder m = SmallModels.Classifier();
        m.Graph.Output[0].Type.TensorType.Shape.Dim[1].DimValue = 5;
        Broken(m, "graph output 'y' is declared [N, 5], but the graph makes [N, 4]");
    }

    [Fact]
    public void An_attribute_of_the_wrong_type_is_refused()
    {
        ModelBuilder m = SmallModels.Classifier();
        NodeProto conv = m.Graph.Node.Single(n => n.Name == "c");
        conv.Attribute.Remove(conv.Attribute.Single(a => a.Name == "pads"));
        conv.Attribute.Add(ModelBuilder.Attribute("pads", 1f));
        Broken(m, "attribute 'pads' is Float, not Ints");
    }

    [Fact]
    public void A_node_missing_a_required_input_is_refused()
    {
        ModelBuilder m = SmallModels.Classifier();
        m.Graph.Node.Single(n => n.Name == "y").Input.RemoveAt(1); // Gemm without B and C
        m.Graph.Node.Single(n => n.Name == "y").Input.RemoveAt(1);
        Broken(m, "Gemm takes 2 to 3, the first 2 not empty");
        ModelBuilder empty = SmallModels.Classifier();
        empty.Graph.Node.Single(n => n.Name == "c").Input[1] = "";
        Broken(empty, "Conv takes 2 to 3, the first 2 not empty");
    }

    [Fact]
    public void An_input_with_a_dimension_of_zero_is_refused()
    {
        ModelBuilder m = SmallModels.Classifier();
        m.Graph.Input[0].Type.TensorType.Shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimValue = 0 };
        Assert.Contains("a fixed dimension must be from 1", Assert.Throws<OnnxNotSupportedException>(() => SmallModels.Load(m.Bytes())).Message);
    }
}
