using Onnx;

namespace NativeConv.Onnx;

/// <summary>A node's attributes read by type: an attribute of the wrong type is a broken file, named.</summary>
internal static class Attributes
{
    public static bool Has(this Node node, string name) => node.Attributes.ContainsKey(name);

    public static long Int(this Node node, string name, long fallback) =>
        node.Attributes.TryGetValue(name, out AttributeProto? a) ? Is(node, a, AttributeProto.Types.AttributeType.Int, a.HasI) ? a.I : fallback : fallback;

    public static float Float(this Node node, string name, float fallback) =>
        node.Attributes.TryGetValue(name, out AttributeProto? a) ? Is(node, a, AttributeProto.Types.AttributeType.Float, a.HasF) ? a.F : fallback : fallback;

    public static string String(this Node node, string name, string fallback) =>
        node.Attributes.TryGetValue(name, out AttributeProto? a) ? Is(node, a, AttributeProto.Types.AttributeType.String, a.HasS) ? a.S.ToStringUtf8() : fallback : fallback;

    public static long[]? Ints(this Node node, string name) =>
        node.Attributes.TryGetValue(name, out AttributeProto? a) && Is(node, a, AttributeProto.Types.AttributeType.Ints, a.Ints.Count > 0) ? a.Ints.ToArray() : null;

    public static float[]? Floats(this Node node, string name) =>
        node.Attributes.TryGetValue(name, out AttributeProto? a) && Is(node, a, AttributeProto.Types.AttributeType.Floats, a.Floats.Count > 0) ? a.Floats.ToArray() : null;

    public static TensorProto? TensorAttribute(this Node node, string name) =>
        node.Attributes.TryGetValue(name, out AttributeProto? a) && Is(node, a, AttributeProto.Types.AttributeType.Tensor, a.T is not null) ? a.T : null;

    /// <summary>Whether the attribute is there with the expected type (files before IR 2 leave the type out: then its field must be set).</summary>
    private static bool Is(Node node, AttributeProto a, AttributeProto.Types.AttributeType type, bool present)
    {
        if (a.Type == type) return true;
        if (a.Type == AttributeProto.Types.AttributeType.Undefined) return present;
        throw new OnnxFormatException($"{node}: attribute '{a.Name}' is {a.Type}, not {type}");
    }
}
