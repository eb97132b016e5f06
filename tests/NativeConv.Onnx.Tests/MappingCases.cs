namespace NativeConv.Onnx.Tests;

/// <summary>
/// The models that cover every operator mapping and every fusion that runs in this build, each small enough for the
/// double evaluations: convolutions, activations, arithmetic and views here; pooling, channels and resizing in the
/// other parts. <see cref="MappingCase.Lowered"/> lists fragments the import's report must contain (what a node
/// became), so a fusion that silently stopped happening fails even when the numbers still agree.
/// </summary>
internal static partial class MappingCases
{
    private static Dictionary<string, long[]> One(params long[] dims) => new() { ["x"] = dims };

    private static (string, object) Ints(string name, params long[] v) => (name, v);

    public static readonly MappingCase[] All = [.. Convolutions(), .. Activations(), .. Pooling(), .. Channels(), .. Resizing()];

    private static MappingCase[] Convolutions() =>
    [
        new("conv-groups-dilation-asymmetric-pads", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 4, "H", "W");
            m.Conv("y", "x", 4, 6, 3, group: 2, bias: true, Ints("dilations", 2, 1), Ints("strides", 2, 1), Ints("pads", 1, 0, 2, 1));
            m.Output("y", "N", 6, "OH", "OW");
            return m;
        }, One(2, 4, 9, 11), ["conv 4->6 k3x3 s2x1 pad(t1,l0,b2,r1) d2x1 g2"]),
        new("conv-auto-pad", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", 1, 3, 10, 9);
            m.Conv("a", "x", 3, 4, 3, attributes: ("auto_pad", "SAME_UPPER"));
            m.Conv("b", "a", 4, 4, 2, attributes: [("auto_pad", "SAME_LOWER"), Ints("strides", 2, 2)]);
            m.Conv("y", "b", 4, 5, 3, attributes: ("auto_pad", "VALID"));
            m.Output("y", 1, 5, 3, 3);
            return m;
        }, One(1, 3, 10, 9), ["same", "valid", "pad(t0,l1,b0,r0)"]),
        new("depthwise-same-lower-symbolic-relu", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 8, "H", "W");
            m.Conv("c", "x", 8, 8, 3, group: 8, attributes: ("auto_pad", "SAME_LOWER"));
            m.Op("Relu", "y", ["c"]);
            m.Output("y", "N", 8, "H", "W");
            return m;
        }, One(1, 8, 7, 6), ["g8 +bias relu", "fused into Conv 'c'"]),
        new("conv-batchnorm-relu", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 3, "H", "W");
            m.Conv("c", "x", 3, 5, 3, bias: false, attributes: Ints("pads", 1, 1, 1, 1));
            m.Op("BatchNormalization", "bn", ["c", m.Float("g", [5], lo: 0.5, hi: 1.5), m.Float("beta", [5], lo: -0.1, hi: 0.1), m.Float("mean", [5], lo: -0.1, hi: 0.1), m.Float("var", [5], lo: 0.5, hi: 1.5)], ("epsilon", 1e-3f));
            m.Op("Relu", "y", ["bn"]);
            m.Output("y", "N", 5, "H", "W");
            return m;
        }, One(2, 3, 6, 5), ["+bias relu", "BatchNormalization 'bn' -> fused into Conv 'c'", "Relu 'y' -> fused into Conv 'c'"]),
        new("batchnorm-standalone-clamp", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 4, "H", "W");
            m.Op("BatchNormalization", "bn", ["x", m.Float("g", [4], lo: 0.5, hi: 1.5), m.Float("beta", [4]), m.Float("mean", [4]), m.Float("var", [4], lo: 0.5, hi: 1.5)]);
            m.Op("Clip", "y", ["bn", m.Scalar("lo", -0.5f), m.Scalar("hi", 0.75f)]);
            m.Output("y", "N", 4, "H", "W");
            return m;
        }, One(1, 4, 5, 5), ["conv 4->4 k1x1", "clamp(-0.5,0.75)"]),
        new("hardswish-from-hardsigmoid-times-x", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 3, "H", "W");
            m.Conv("c", "x", 3, 6, 3);
            m.Op("HardSigmoid", "h", ["c"], ("alpha", 1f / 6), ("beta", 0.5f));
            m.Op("Mul", "y", ["c", "h"]);
            m.Output("y", "N", 6, "H2", "W2");
            return m;
        }, One(1, 3, 8, 8), ["+bias hardswish", "HardSigmoid 'h' -> fused into Conv 'c'", "Mul 'y' -> fused into Conv 'c'"]),
        new("hardswish-operator-opset14", () =>
        {
            var m = new ModelBuilder(14);
            m.Input("x", "N", 3, "H", "W");
            m.Conv("c", "x", 3, 4, 1);
            m.Op("HardSwish", "y", ["c"]);
            m.Output("y", "N", 4, "H", "W");
            return m;
        }, One(1, 3, 6, 6), ["hardswish"]),
        new("residual-add-relu", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 4, "H", "W");
            m.Conv("a", "x", 4, 4, 3, attributes: Ints("pads", 1, 1, 1, 1));
            m.Conv("b", "x", 4, 4, 1);
            m.Op("Add", "s", ["a", "b"]);
            m.Op("Relu", "y", ["s"]);
            m.Output("y", "N", 4, "H", "W");
            return m;
        }, One(2, 4, 5, 6), ["add, then relu", "Relu 'y' -> fused into Add 's'"]),
        new("squeeze-excitation", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 8, "H", "W");
            m.Conv("c", "x", 8, 8, 3, group: 8, attributes: Ints("pads", 1, 1, 1, 1));
            m.Op("GlobalAveragePool", "p", ["c"]);
            m.Conv("f1", "p", 8, 4, 1);
            m.Op("Relu", "r", ["f1"]);
            m.Conv("f2", "r", 4, 8, 1);
            m.Op("HardSigmoid", "g", ["f2"], ("alpha", 1f / 6), ("beta", 0.5f));
            m.Op("Mul", "y", ["g", "c"]);
            m.Output("y", "N", 8, "H", "W");
            return m;
        }, One(1, 8, 7, 7), ["global average pool", "hardsigmoid", "multiply"]),
        new("per-channel-constants", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 3, "H", "W");
            m.Op("Mul", "a", ["x", m.Float("s", [1, 3, 1, 1], lo: 0.5, hi: 2)]);
            m.Op("Add", "b", [m.Float("t", [3, 1, 1]), "a"]);
            m.Op("Sub", "c", ["b", m.Scalar("u", 0.25f)]);
            m.Op("Div", "d", ["c", m.Float("v", [3, 1, 1], lo: 1, hi: 3)]);
            m.Op("Sub", "e", [m.Scalar("k", 1f), "d"]);
            m.Op("Relu", "y", ["e"]);
            m.Output("y", "N", 3, "H", "W");
            return m;
        }, One(1, 3, 4, 5), ["Relu 'y' -> fused into Sub 'e'"]),
        new("standalone-activations", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 3, "H", "W");
            m.Op("Relu", "r", ["x"]);
            m.Node("Dropout", ["r"], ["d", "mask"], "d");
            m.Op("Identity", "i", ["d"]);
            m.Op("Clip", "y", ["i", m.Scalar("lo", 0f), m.Scalar("hi", 0.5f)]);
            m.Output("y", "N", 3, "H", "W");
            return m;
        }, One(1, 3, 4, 4), ["Dropout 'd' -> removed", "Identity 'i' -> removed", "clamp(0,0.5)"]),
        new("classifier-flatten-gemm", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 4, "H", "W");
            m.Conv("c", "x", 4, 6, 3);
            m.Op("GlobalAveragePool", "p", ["c"]);
            m.Op("Flatten", "f", ["p"], ("axis", 1L));
            m.Op("Gemm", "y", ["f", m.Float("W", [5, 6]), m.Float("B", [5])], ("transB", 1L), ("alpha", 0.5f), ("beta", 2f));
            m.Output("y", "N", 5);
            return m;
        }, One(3, 4, 6, 6), ["conv 6->5 k1x1", "Flatten 'f' -> a view"]),
        new("classifier-gemm-without-transB", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 4, "H", "W");
            m.Op("GlobalAveragePool", "p", ["x"]);
            m.Op("Flatten", "f", ["p"]);
            m.Op("Gemm", "g", ["f", m.Float("W", [4, 3]), m.Float("B", [1, 3])]);
            m.Op("Relu", "y", ["g"]);
            m.Output("y", "N", 3);
            return m;
        }, One(2, 4, 3, 3), ["conv 4->3 k1x1 s1x1 pad(t0,l0,b0,r0) d1x1 g1 +bias relu"]),
        new("classifier-reducemean-matmul-add", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 4, "H", "W");
            m.Conv("c", "x", 4, 4, 1);
            m.Op("ReduceMean", "p", ["c"], Ints("axes", 2, 3), ("keepdims", 0L));
            m.Op("MatMul", "mm", ["p", m.Float("W", [4, 7])]);
            m.Op("Add", "y", ["mm", m.Float("B", [7])]);
            m.Output("y", "N", 7);
            return m;
        }, One(2, 4, 5, 3), ["ReduceMean 'p' -> ", "global average pool", "Add 'y' -> fused into MatMul 'mm'"]),
        new("reducemean-opset18-squeeze", () =>
        {
            var m = new ModelBuilder(18);
            m.Input("x", "N", 4, "H", "W");
            m.Op("ReduceMean", "p", ["x", m.Int64("axes", -1, -2)], ("keepdims", 1L));
            m.Op("Squeeze", "s", ["p", m.Int64("sq", 2, 3)]);
            m.Op("Gemm", "y", ["s", m.Float("W", [3, 4]), m.Float("B", [3])], ("transB", 1L));
            m.Output("y", "N", 3);
            return m;
        }, One(1, 4, 4, 4), ["global average pool"]),
        new("reshape-from-shape-arithmetic", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 4, "H", "W");
            m.Op("GlobalAveragePool", "p", ["x"]);
            m.Op("Shape", "shape", ["p"]);
            m.Op("Gather", "n", ["shape", m.Int64("zero", [], [0])], ("axis", 0L));
            m.Op("Unsqueeze", "n1", ["n", m.Int64("ax0", 0)]);
            m.Op("Concat", "target", ["n1", m.Int64("minus1", -1)], ("axis", 0L));
            m.Op("Reshape", "r", ["p", "target"]);
            m.Op("Gemm", "y", ["r", m.Float("W", [4, 2]), m.Float("B", [2])]);
            m.Output("y", "N", 2);
            return m;
        }, One(3, 4, 5, 5), ["Shape 'shape' -> folded into a constant", "Concat 'target' -> folded", "Reshape 'r' -> a view"]),
        new("squeeze-unsqueeze-opset11", () =>
        {
            var m = new ModelBuilder(11);
            m.Input("x", "N", 4, "H", "W");
            m.Op("GlobalAveragePool", "p", ["x"]);
            m.Op("Squeeze", "s", ["p"], Ints("axes", 2, 3));
            m.Op("Unsqueeze", "u", ["s"], Ints("axes", 2, 3));
            m.Conv("c", "u", 4, 3, 1);
            m.Op("Flatten", "y", ["c"]);
            m.Output("y", "N", 3);
            return m;
        }, One(2, 4, 3, 4), ["Squeeze 's' -> a view", "Unsqueeze 'u' -> a view"]),
        new("folded-weights", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 2, "H", "W");
            m.Node("Constant", [], ["scale"], "scale", ("value", new global::Onnx.TensorProto { DataType = 1, FloatData = { 1.5f } }));
            m.Op("Mul", "w2", ["scale", m.Float("w", [3, 2, 3, 3])]);
            m.Node("Constant", [], ["two"], "two", ("value", new global::Onnx.TensorProto { DataType = 7, Int64Data = { 2 } }));
            m.Op("Cast", "twof", ["two"], ("to", 1L));
            m.Op("Div", "w3", ["w2", "twof"]);
            m.Op("ConstantOfShape", "bias", [m.Int64("bshape", 3)], ("value", new global::Onnx.TensorProto { DataType = 1, Dims = { 1 }, FloatData = { 0.25f } }));
            m.Op("Conv", "y", ["x", "w3", "bias"], Ints("pads", 1, 1, 1, 1));
            m.Output("y", "N", 3, "H", "W");
            return m;
        }, One(1, 2, 5, 4), ["Mul 'w2' -> folded", "Cast 'twof' -> folded", "ConstantOfShape 'bias' -> folded"]),
        new("pad-into-conv", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 3, "H", "W");
            m.Op("Pad", "p", ["x", m.Int64("pads", 0, 0, 1, 2, 0, 0, 2, 1)]);
            m.Conv("y", "p", 3, 4, 3);
            m.Output("y", "N", 4, "OH", "OW");
            return m;
        }, One(1, 3, 6, 5), ["pad(t1,l2,b2,r1)", "Pad 'p' -> fused into Conv 'y'"]),
        new("multiply-elementwise", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 3, "H", "W");
            m.Conv("a", "x", 3, 4, 1);
            m.Conv("b", "x", 3, 4, 3, attributes: Ints("pads", 1, 1, 1, 1));
            m.Op("Mul", "y", ["a", "b"]);
            m.Output("y", "N", 4, "H", "W");
            return m;
        }, One(1, 3, 4, 5), ["multiply"]),
        new("conv-transpose-grouped-asymmetric-output-padding-relu", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 4, "H", "W");
            m.Op("ConvTranspose", "t", ["x", m.Float("tw", [4, 3, 3, 3], lo: -0.5, hi: 0.5), m.Float("tb", [6])],
                ("group", 2L), Ints("strides", 2, 2), Ints("pads", 1, 0, 1, 1), Ints("output_padding", 1, 0), ("kernel_shape", new long[] { 3, 3 }));
            m.Op("Relu", "y", ["t"]);
            m.Output("y", "N", 6, "OH", "OW");
            return m;
        }, One(2, 4, 3, 4), ["convT 4->6 k3x3 s2x2 pad(t1,l0,b1,r1) op1x0 d1x1 g2 +bias relu", "Relu 'y' -> fused into ConvTranspose 't'"]),
        new("conv-transpose-depthwise-dilated", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 5, "H", "W");
            m.Op("ConvTranspose", "y", ["x", m.Float("tw", [5, 1, 2, 3], lo: -0.5, hi: 0.5)], ("group", 5L), Ints("dilations", 2, 1), Ints("strides", 1, 2));
            m.Output("y", "N", 5, "OH", "OW");
            return m;
        }, One(1, 5, 4, 3), ["convT 5->5 k2x3 s1x2"]),
        new("two-inputs-two-outputs", () =>
        {
            var m = new ModelBuilder();
            m.Input("left", "N", 3, "H", "W");
            m.Input("right", "N", 2, "H", "W");
            m.Conv("a", "left", 3, 4, 1);
            m.Conv("b", "right", 2, 4, 1);
            m.Op("Add", "sum", ["a", "b"]);
            m.Op("GlobalAveragePool", "p", ["sum"]);
            m.Op("Flatten", "pooled", ["p"]);
            m.Output("sum", "N", 4, "H", "W");
            m.Output("pooled", "N", 4);
            return m;
        }, new() { ["left"] = [2, 3, 4, 3], ["right"] = [2, 2, 4, 3] }, ["add"]),
    ];
}
