namespace NativeConv.Onnx.Tests;

/// <summary>One small model for a mapping or fusion: how to build it, the shapes to run it on, and what its lowering must show.</summary>
internal sealed record MappingCase(string Name, Func<ModelBuilder> Build, Dictionary<string, long[]> Shapes, string[] Lowered)
{
    public override string ToString() => Name;
}
