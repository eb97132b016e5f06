namespace NativeConv.Onnx.Tests;

/// <summary>
/// Sigmoid and Tanh, SiLU from x·Sigmoid(x), GELU from its erf pattern in the orders exporters write it, and
/// squeeze-and-excitation with a Sigmoid gate (EfficientNet's, SiLU inside): fused into the operation before them where
/// it is read by them alone, NativeConv's activation operation elsewhere.
/// </summary>
internal static partial class MappingCases
{
    private static MappingCase[] Activations() =>
    [
        new("sigmoid-fused-tanh-standalone", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 4, "H", "W");
            m.Conv("c", "x", 4, 6, 3, attributes: Ints("pads", 1, 1, 1, 1));
            m.Op("Sigmoid", "s", ["c"]);
            m.Conv("d", "s", 6, 6, 1);
            m.Op("Tanh", "t", ["d"]);
            m.Op("Add", "y", ["t", "d"]); // d read twice: the Tanh stays an operation of its own
            m.Output("y", "N", 6, "H", "W");
            return m;
        }, One(2, 4, 7, 6), ["+bias sigmoid", "Sigmoid 's' -> fused into Conv 'c'", "tanh"]),
        new("silu-from-sigmoid-times-x", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 4, "H", "W");
            m.Conv("c", "x", 4, 4, 1);
            m.Op("Sigmoid", "s", ["c"]);
            m.Op("Mul", "y", ["s", "c"]);
            m.Output("y", "N", 4, "H", "W");
            return m;
        }, One(1, 4, 6, 5), ["+bias silu", "Sigmoid 's' -> fused into", "Mul 'y' -> fused into"]),
        new("sigmoid-of-an-input", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 3, "H", "W");
            m.Op("Sigmoid", "y", ["x"]); // nothing before it to fuse into
            m.Output("y", "N", 3, "H", "W");
            return m;
        }, One(2, 3, 5, 4), ["sigmoid"]),
        new("gelu-pytorch-order", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 4, "H", "W");
            m.Conv("c", "x", 4, 5, 3, attributes: Ints("pads", 1, 1, 1, 1));
            m.Op("Div", "d", ["c", m.Scalar("sqrt2", 1.41421356f)]);
            m.Op("Erf", "e", ["d"]);
            m.Op("Add", "a", ["e", m.Scalar("one", 1f)]);
            m.Op("Mul", "p", ["c", "a"]);
            m.Op("Mul", "y", ["p", m.Scalar("half", 0.5f)]);
            m.Output("y", "N", 5, "H", "W");
            return m;
        }, One(2, 4, 6, 6), ["+bias gelu", "Erf 'e' -> fused into", "Mul 'y' -> fused into"]),
        new("gelu-half-first-mul-by-reciprocal", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 3, "H", "W");
            m.Conv("c", "x", 3, 3, 1);
            m.Op("Mul", "h", [m.Scalar("half", 0.5f), "c"]);
            m.Op("Mul", "d", [m.Scalar("rsqrt2", 0.70710677f), "c"]);
            m.Op("Erf", "e", ["d"]);
            m.Op("Add", "a", [m.Scalar("one", 1f), "e"]);
            m.Op("Mul", "y", ["h", "a"]);
            m.Output("y", "N", 3, "H", "W");
            return m;
        }, One(1, 3, 5, 5), ["+bias gelu", "Mul 'h' -> fused into"]),
        new("gelu-of-an-input-half-last", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 3, "H", "W");
            m.Op("Div", "d", ["x", m.Scalar("sqrt2", 1.41421356f)]);
            m.Op("Erf", "e", ["d"]);
            m.Op("Add", "a", ["e", m.Scalar("one", 1f)]);
            m.Op("Mul", "h", ["a", m.Scalar("half", 0.5f)]);
            m.Op("Mul", "y", ["x", "h"]);
            m.Output("y", "N", 3, "H", "W");
            return m;
        }, One(2, 3, 4, 4), ["gelu"]),
        new("squeeze-excitation-silu-sigmoid-gate", () =>
        {
            var m = new ModelBuilder();
            m.Input("x", "N", 8, "H", "W");
            m.Conv("c", "x", 8, 8, 3, group: 8, attributes: Ints("pads", 1, 1, 1, 1));
            m.Op("Sigmoid", "cs", ["c"]);
            m.Op("Mul", "ca", ["c", "cs"]);
            m.Op("GlobalAveragePool", "p", ["ca"]);
            m.Conv("f1", "p", 8, 2, 1);
            m.Op("Sigmoid", "f1s", ["f1"]);
            m.Op("Mul", "f1a", ["f1", "f1s"]);
            m.Conv("f2", "f1a", 2, 8, 1);
            m.Op("Sigmoid", "g", ["f2"]);
            m.Op("Mul", "y", ["ca", "g"]);
            m.Output("y", "N", 8, "H", "W");
            return m;
        }, One(2, 8, 6, 7), ["g8 +bias silu", "conv 2->8 k1x1 s1x1 pad(t0,l0,b0,r0) d1x1 g1 +bias sigmoid", "Sigmoid 'g' -> fused into Conv 'f2'", "multiply"]),
    ];
}
