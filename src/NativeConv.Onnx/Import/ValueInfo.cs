namespace NativeConv.Onnx;

/// <summary>
/// What the importer knows of a value after constant folding: its element type, its shape (null: unknown, as after an
/// unsupported node), and its data when it is a constant. Feature maps (values computed at a call) have no data.
/// </summary>
internal sealed record ValueInfo(int Type, Dim[]? Shape, Tensor? Constant = null)
{
    public static ValueInfo Of(Tensor constant) => new(constant.Type, constant.Shape, constant);

    public static ValueInfo UnknownOf(int type) => new(type, null);

    public bool IsConstant => Constant is not null;

    public int? Rank => Shape?.Length;

    public override string ToString() => Shape is null ? $"{ElementType.Name(Type)}[?]" : $"{ElementType.Name(Type)}[{string.Join(", ", Shape)}]";
}
