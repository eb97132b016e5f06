using System.Buffers.Binary;
using Google.Protobuf;
using Onnx;

namespace NativeConv.Onnx;

/// <summary>
/// A TensorProto's values (initializers, Constant nodes' tensors): dims checked (none negative, the element count not
/// overflowing), the data taken from raw_data, the typed field or an external file, and its size checked against the
/// dims. A broken tensor is an <see cref="OnnxFormatException"/>; a type constant folding does not read gives null.
/// </summary>
internal static class TensorReader
{
    public static Tensor? Read(TensorProto tensor, string? modelDirectory, string what)
    {
        long[] dims = tensor.Dims.ToArray();
        long count = Count(dims, $"{what} '{tensor.Name}'");
        int type = tensor.DataType;
        int size = ElementSize(type);
        if (size == 0) return null;
        if (tensor.HasDataLocation && tensor.DataLocation == TensorProto.Types.DataLocation.External)
            return FromBytes(type, dims, ExternalData.Read(tensor, modelDirectory, checked(count * size)));
        if (tensor.HasRawData)
        {
            if (tensor.RawData.Length != count * size)
                throw new OnnxFormatException($"{what} '{tensor.Name}' of {ElementType.Name(type)}[{string.Join(", ", dims)}] needs {count * size} bytes of raw data, not {tensor.RawData.Length}");
            return FromBytes(type, dims, tensor.RawData.Span);
        }
        (int typed, string field) = type switch
        {
            ElementType.Float => (tensor.FloatData.Count, "float_data"),
            ElementType.Double => (tensor.DoubleData.Count, "double_data"),
            ElementType.Int64 => (tensor.Int64Data.Count, "int64_data"),
            (int)TensorProto.Types.DataType.Uint32 or (int)TensorProto.Types.DataType.Uint64 => (tensor.Uint64Data.Count, "uint64_data"),
            _ => (tensor.Int32Data.Count, "int32_data"),
        };
        if (typed != count)
            throw new OnnxFormatException($"{what} '{tensor.Name}' of {ElementType.Name(type)}[{string.Join(", ", dims)}] has {typed} values in {field}, not {count}");
        return type switch
        {
            ElementType.Float => Tensor.Real(type, dims, tensor.FloatData.Select(v => (double)v).ToArray()),
            ElementType.Double => Tensor.Real(type, dims, tensor.DoubleData.ToArray()),
            ElementType.Float16 => Tensor.Real(type, dims, tensor.Int32Data.Select(v => (double)BitConverter.UInt16BitsToHalf((ushort)v)).ToArray()),
            ElementType.Int64 => Tensor.Integer(type, dims, tensor.Int64Data.ToArray()),
            (int)TensorProto.Types.DataType.Uint32 or (int)TensorProto.Types.DataType.Uint64 => Tensor.Integer(type, dims, tensor.Uint64Data.Select(v => unchecked((long)v)).ToArray()),
            _ => Tensor.Integer(type, dims, tensor.Int32Data.Select(v => (long)v).ToArray()),
        };
    }

    /// <summary>The element count of <paramref name="dims"/>; a negative dim or a count beyond an array's is a broken file.</summary>
    public static long Count(IReadOnlyList<long> dims, string what)
    {
        long count = 1;
        foreach (long d in dims)
        {
            if (d < 0) throw new OnnxFormatException($"{what} has a negative dimension ({string.Join(", ", dims)})");
            if (d != 0 && count > Array.MaxLength / d)
                throw new OnnxFormatException($"{what} has dims [{string.Join(", ", dims)}]: more elements than an array holds ({Array.MaxLength})");
            count *= d;
        }
        return count;
    }

    /// <summary>Bytes per element of the types folding reads; 0 for the others (strings, complex, bfloat16, ...).</summary>
    private static int ElementSize(int type) => type switch
    {
        ElementType.Float or ElementType.Int32 or (int)TensorProto.Types.DataType.Uint32 => 4,
        ElementType.Double or ElementType.Int64 or (int)TensorProto.Types.DataType.Uint64 => 8,
        ElementType.Float16 or (int)TensorProto.Types.DataType.Int16 or (int)TensorProto.Types.DataType.Uint16 => 2,
        ElementType.Bool or (int)TensorProto.Types.DataType.Int8 or (int)TensorProto.Types.DataType.Uint8 => 1,
        _ => 0,
    };

    private static Tensor FromBytes(int type, long[] dims, ReadOnlySpan<byte> bytes)
    {
        int n = bytes.Length / ElementSize(type);
        switch (type)
        {
            case ElementType.Float:
            {
                var v = new double[n];
                for (int i = 0; i < n; i++) v[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                return Tensor.Real(type, dims, v);
            }
            case ElementType.Double:
            {
                var v = new double[n];
                for (int i = 0; i < n; i++) v[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
                return Tensor.Real(type, dims, v);
            }
            case ElementType.Float16:
            {
                var v = new double[n];
                for (int i = 0; i < n; i++) v[i] = (double)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]);
                return Tensor.Real(type, dims, v);
            }
        }
        var ints = new long[n];
        for (int i = 0; i < n; i++)
        {
            ints[i] = type switch
            {
                ElementType.Int64 or (int)TensorProto.Types.DataType.Uint64 => BinaryPrimitives.ReadInt64LittleEndian(bytes[(8 * i)..]),
                ElementType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]),
                (int)TensorProto.Types.DataType.Uint32 => BinaryPrimitives.ReadUInt32LittleEndian(bytes[(4 * i)..]),
                (int)TensorProto.Types.DataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(bytes[(2 * i)..]),
                (int)TensorProto.Types.DataType.Uint16 => BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]),
                (int)TensorProto.Types.DataType.Int8 => (sbyte)bytes[i],
                _ => bytes[i],
            };
        }
        return Tensor.Integer(type, dims, ints);
    }

    /// <summary>A tensor as a TensorProto (float32 or int64), for the tests and tools that write models.</summary>
    public static TensorProto ToProto(string name, Tensor tensor)
    {
        var proto = new TensorProto { Name = name, DataType = tensor.Type };
        proto.Dims.AddRange(tensor.Dims);
        if (tensor.Type == ElementType.Float) proto.RawData = ByteString.CopyFrom(tensor.Floats().SelectMany(BitConverter.GetBytes).ToArray());
        else proto.Int64Data.AddRange(tensor.Longs());
        return proto;
    }
}
