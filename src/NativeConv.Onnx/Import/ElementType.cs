using Onnx;

namespace NativeConv.Onnx;

/// <summary>ONNX element types by their names in messages (TensorProto.DataType numbers).</summary>
internal static class ElementType
{
    public const int Float = (int)TensorProto.Types.DataType.Float;
    public const int Int64 = (int)TensorProto.Types.DataType.Int64;
    public const int Int32 = (int)TensorProto.Types.DataType.Int32;
    public const int Double = (int)TensorProto.Types.DataType.Double;
    public const int Float16 = (int)TensorProto.Types.DataType.Float16;
    public const int Bool = (int)TensorProto.Types.DataType.Bool;

    public static string Name(int type) => Enum.IsDefined(typeof(TensorProto.Types.DataType), type)
        ? type switch { Float => "float32", Double => "float64", Float16 => "float16", _ => ((TensorProto.Types.DataType)type).ToString().ToLowerInvariant() }
        : $"element type {type}";

    /// <summary>Integer types whose values constant folding keeps exactly (as long).</summary>
    public static bool IsInteger(int type) => type is Int64 or Int32 or Bool or (int)TensorProto.Types.DataType.Int8 or (int)TensorProto.Types.DataType.Uint8
        or (int)TensorProto.Types.DataType.Int16 or (int)TensorProto.Types.DataType.Uint16 or (int)TensorProto.Types.DataType.Uint32;

    /// <summary>Floating-point types constant folding reads (as double, each value exact).</summary>
    public static bool IsReal(int type) => type is Float or Double or Float16;
}
