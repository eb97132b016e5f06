namespace NativeConv.BindingGenerator.Model;

// What the reader found and the emitters write: already in C# terms, plus the C spellings the
// layout probe needs. Header is the path relative to the include directory.

internal sealed record EnumMember(string Name, string Value);

internal sealed record EnumModel(string Name, string Underlying, bool IsFlags, List<EnumMember> Members, string Header);

internal sealed record FieldModel(string Name, string Type, long Offset, int FixedLength, string CPath);

/// <param name="CName">How C code names the type (typedef name, or "struct x").</param>
internal sealed record StructModel(string Name, string CName, long Size, bool IsUnion, List<FieldModel> Fields, string Header);

/// <summary>A typedef of a pointer to an opaque struct: a distinct handle type.</summary>
/// <param name="MutableVariant">For a const handle, the non-const handle that converts to it implicitly.</param>
internal sealed record HandleModel(string Name, string OpaqueStruct, bool IsConst, string? MutableVariant, string Header);

internal sealed record ParameterModel(string Type, string Name);

internal sealed record FunctionModel(string Name, string ReturnType, List<ParameterModel> Parameters, string Header);

internal sealed record ConstantModel(string Name, string Type, string Value, string Header);

internal sealed class LibraryModel
{
    public List<EnumModel> Enums { get; } = new();
    public List<StructModel> Structs { get; } = new();
    public List<HandleModel> Handles { get; } = new();
    public List<FunctionModel> Functions { get; } = new();
    public List<ConstantModel> Constants { get; } = new();
    /// <summary>Structs only ever used through pointers whose definition is not public.</summary>
    public SortedSet<string> OpaqueStructs { get; } = new(StringComparer.Ordinal);
    /// <summary>Declarations left out, each with why (for the closing note and the generated README).</summary>
    public List<(string Name, string Reason)> Skipped { get; } = new();
    public string Version { get; set; } = "";
}
