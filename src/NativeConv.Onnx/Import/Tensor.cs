namespace NativeConv.Onnx;

/// <summary>
/// A constant the importer holds: an initializer, a Constant node, or a value folded from constants. Real types keep
/// their values as double (each exactly the file's float32/float64/float16 value); integer types as long, where an
/// element may be a <see cref="Dim"/> symbol instead (a Shape of a feature map whose batch or size is bound at a call).
/// </summary>
internal sealed class Tensor
{
    private Tensor(int type, long[] dims, double[]? reals, Dim[]? ints)
    {
        Type = type;
        Dims = dims;
        Reals = reals;
        Ints = ints;
    }

    public int Type { get; }

    public long[] Dims { get; }

    public int Rank => Dims.Length;

    public int Length => Reals?.Length ?? Ints!.Length;

    /// <summary>The values of a real tensor.</summary>
    public double[]? Reals { get; }

    /// <summary>The values of an integer tensor (sizes or symbols).</summary>
    public Dim[]? Ints { get; }

    public bool IsReal => Reals is not null;

    /// <summary>Every integer element is known (no symbol).</summary>
    public bool IsKnown => Reals is not null || Ints!.All(d => d.IsKnown);

    public static Tensor Real(int type, long[] dims, double[] values) => new(type, dims, values, null);

    public static Tensor Integer(int type, long[] dims, Dim[] values) => new(type, dims, null, values);

    public static Tensor Integer(int type, long[] dims, long[] values) => new(type, dims, null, values.Select(Dim.Of).ToArray());

    /// <summary>A 1-D int64 vector.</summary>
    public static Tensor Vector(params long[] values) => Integer(ElementType.Int64, [values.Length], values);

    public static Tensor Vector(Dim[] values) => Integer(ElementType.Int64, [values.Length], values);

    /// <summary>The float32 values (weights), for a real tensor.</summary>
    public float[] Floats() => Reals?.Select(v => (float)v).ToArray() ?? throw new InvalidOperationException("not a real tensor");

    /// <summary>The known integer values; throws when one is a symbol (callers check <see cref="IsKnown"/>).</summary>
    public long[] Longs() => Ints?.Select(d => d.Size ?? throw new InvalidOperationException("a symbolic element")).ToArray()
        ?? Reals!.Select(v => (long)v).ToArray();

    /// <summary>Element i as a double (integers: their known value).</summary>
    public double At(int i) => Reals is not null ? Reals[i] : Ints![i].Size ?? double.NaN;

    /// <summary>The dims as <see cref="Dim"/>s (a constant's shape is known).</summary>
    public Dim[] Shape => Dims.Select(Dim.Of).ToArray();

    public override string ToString() => $"{ElementType.Name(Type)}[{string.Join(", ", Dims)}]";
}
