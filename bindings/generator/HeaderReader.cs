using NativeConv.BindingGenerator.Clang;
using NativeConv.BindingGenerator.Model;
using static NativeConv.BindingGenerator.Clang.LibClang;

namespace NativeConv.BindingGenerator;

/// <summary>
/// Walks one parsed library header set and builds the <see cref="LibraryModel"/>: the selected
/// functions and types, every type they reach, and enum values as clang computed them.
/// </summary>
internal sealed class HeaderReader
{
    private readonly GeneratorConfig _config;
    private readonly IReadOnlyList<string> _includeDirs;
    private readonly LibraryModel _model = new();
    private readonly HashSet<string> _emittedTypes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _functionNames = new(StringComparer.Ordinal);
    // Anonymous records and enums take the name of the typedef that introduces them.
    private readonly Dictionary<string, string> _typedefNameOfAnonymous = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CXCursor> _mutableHandleTypedefs = new(StringComparer.Ordinal);

    public HeaderReader(GeneratorConfig config, IReadOnlyList<string> includeDirs)
    {
        _config = config;
        _includeDirs = includeDirs;
    }

    public LibraryModel Read(CXCursor unit)
    {
        var all = unit.Children();
        foreach (CXCursor c in all)
        {
            // Non-const typedefs of pointers to opaque structs, for const handles to convert from.
            if (c.Kind != CXCursorKind.TypedefDecl) continue;
            CXType u = clang_getTypedefDeclUnderlyingType(c).Desugared();
            if (u.Kind != CXTypeKind.Pointer) continue;
            // Const-ness sits on the elaborated type, so read it before desugaring.
            bool isConst = clang_isConstQualifiedType(clang_getPointeeType(u)) != 0;
            CXType p = clang_getPointeeType(u).Desugared();
            if (p.Kind == CXTypeKind.Record && !isConst)
                _mutableHandleTypedefs.TryAdd(clang_getTypeDeclaration(p).Spelling(), c);
        }
        var decls = all.Where(c => Traversed(c) is not null).ToList();
        foreach (CXCursor c in decls)
        {
            if (c.Kind != CXCursorKind.TypedefDecl) continue;
            CXType underlying = clang_getTypedefDeclUnderlyingType(c).Desugared();
            if (underlying.Kind is CXTypeKind.Record or CXTypeKind.Enum)
            {
                CXCursor target = clang_getTypeDeclaration(underlying);
                if (clang_Cursor_isAnonymous(target) != 0 || target.Spelling().Length == 0 || target.Spelling().Contains("unnamed"))
                    _typedefNameOfAnonymous[Key(target)] = c.Spelling();
            }
        }
        foreach (CXCursor c in decls)
        {
            string header = Traversed(c)!;
            string name = c.Spelling();
            switch (c.Kind)
            {
                case CXCursorKind.FunctionDecl when _config.WantsFunction(name):
                    AddFunction(c, header);
                    break;
                case CXCursorKind.FunctionDecl when _config.IsExcluded(name):
                    _model.Skipped.Add((name, _config.Excludes[name]));
                    break;
                case CXCursorKind.TypedefDecl when _config.WantsType(name):
                    MapType(c.Type(), TypeUse.Declaration);
                    break;
                case CXCursorKind.EnumDecl or CXCursorKind.StructDecl or CXCursorKind.UnionDecl:
                    string typeName = NameOf(c);
                    if (typeName.Length > 0 && _config.WantsType(typeName) && !c.IsNull())
                        MapType(c.Type(), TypeUse.Declaration);
                    break;
            }
        }
        return _model;
    }

    /// <summary>The header (relative to an include dir) if the cursor is declared in a traversed one.</summary>
    public string? TraversedHeader(CXCursor c) => Traversed(c);

    private string? Traversed(CXCursor c)
    {
        string file = c.Location().File;
        foreach (string dir in _includeDirs)
        {
            string prefix = dir.EndsWith('/') ? dir : dir + "/";
            if (file.StartsWith(prefix, StringComparison.Ordinal))
            {
                string relative = file[prefix.Length..];
                return _config.Traverse.Contains(relative) ? relative : null;
            }
        }
        return null;
    }

    private string HeaderOf(CXCursor c)
    {
        string file = c.Location().File;
        foreach (string dir in _includeDirs)
        {
            string prefix = dir.EndsWith('/') ? dir : dir + "/";
            if (file.StartsWith(prefix, StringComparison.Ordinal)) return file[prefix.Length..];
        }
        return Path.GetFileName(file);
    }

    private static string Key(CXCursor c)
    {
        var (file, _, offset) = c.Location();
        return $"{file}:{offset}";
    }

    private string NameOf(CXCursor decl)
    {
        if (_typedefNameOfAnonymous.TryGetValue(Key(decl), out string? typedefName)) return typedefName;
        string spelling = decl.Spelling();
        return spelling.Contains(' ') ? "" : spelling; // "(unnamed ...)" / "enum (anonymous ...)"
    }

    private void AddFunction(CXCursor c, string header)
    {
        string name = c.Spelling();
        if (!_functionNames.Add(name)) return; // redeclaration
        CXType type = c.Type();
        // 'f()' in C declares no prototype; these headers mean 'f(void)' by it, so it binds with none.
        if (type.Kind != CXTypeKind.FunctionNoProto && clang_isFunctionTypeVariadic(type) != 0)
        {
            _model.Skipped.Add((name, "variadic: no blittable P/Invoke signature"));
            return;
        }
        if (clang_Cursor_isFunctionInlined(c) != 0)
        {
            _model.Skipped.Add((name, "static inline in the header: not exported by the library"));
            return;
        }
        var parameters = new List<ParameterModel>();
        int count = clang_Cursor_getNumArguments(c);
        for (uint i = 0; i < count; i++)
        {
            CXCursor p = clang_Cursor_getArgument(c, i);
            string pName = p.Spelling();
            parameters.Add(new ParameterModel(MapType(p.Type(), TypeUse.Parameter), CSharpNames.Identifier(pName.Length > 0 ? pName : $"param{i}")));
        }
        _model.Functions.Add(new FunctionModel(name, MapType(clang_getResultType(type), TypeUse.Return), parameters, header));
    }

    private enum TypeUse { Declaration, Parameter, Return, Field, Pointee }

    /// <summary>The C# spelling of a C type, registering every declaration it depends on.</summary>
    private string MapType(CXType type, TypeUse use)
    {
        type = type.Desugared();
        switch (type.Kind)
        {
            case CXTypeKind.Typedef:
                return MapTypedef(type, use);
            case CXTypeKind.Pointer:
            {
                CXType pointee = clang_getPointeeType(type).Desugared();
                CXType canonicalPointee = pointee.Canonical();
                if (canonicalPointee.Kind == CXTypeKind.FunctionProto)
                    // Keep the typedef names of the arguments (size_t stays nuint) when clang exposes them.
                    return FunctionPointer(clang_getNumArgTypes(pointee) >= 0 ? pointee : canonicalPointee);
                if (canonicalPointee.Kind == CXTypeKind.FunctionNoProto) return "void*";
                return MapType(pointee, TypeUse.Pointee) + "*";
            }
            case CXTypeKind.ConstantArray or CXTypeKind.IncompleteArray when use == TypeUse.Parameter:
                return MapType(clang_getArrayElementType(type), TypeUse.Pointee) + "*"; // arrays decay
            case CXTypeKind.Record:
                return DeclareRecord(clang_getTypeDeclaration(type), use);
            case CXTypeKind.Enum:
                return DeclareEnum(clang_getTypeDeclaration(type));
            default:
                return Builtin(type);
        }
    }

    private string MapTypedef(CXType type, TypeUse use)
    {
        string name = LibClang.Take(clang_getTypedefName(type));
        if (CSharpNames.StandardTypedefs.TryGetValue(name, out string? standard)) return standard;
        CXCursor decl = clang_getTypeDeclaration(type);
        CXType underlying = clang_getTypedefDeclUnderlyingType(decl).Desugared();

        if (underlying.Kind == CXTypeKind.Pointer)
        {
            bool isConst = clang_isConstQualifiedType(clang_getPointeeType(underlying)) != 0;
            CXType pointee = clang_getPointeeType(underlying).Desugared();
            if (pointee.Kind == CXTypeKind.Record)
            {
                CXCursor record = clang_getTypeDeclaration(pointee);
                if (clang_getCursorDefinition(record).IsNull())
                    return DeclareHandle(name, record, isConst, decl);
            }
            return MapType(underlying, use);
        }
        if (underlying.Kind is CXTypeKind.Record or CXTypeKind.Enum) return MapType(underlying, use);
        if (underlying.Kind is CXTypeKind.ConstantArray)
        {
            // C# has no array typedefs: parameters decay to pointers, fields become fixed buffers.
            string element = MapType(clang_getArrayElementType(underlying), TypeUse.Pointee);
            return use == TypeUse.Declaration ? element + "[]" : element + "*";
        }
        return MapType(underlying, use);
    }

    private string DeclareHandle(string name, CXCursor record, bool isConst, CXCursor typedefDecl)
    {
        string opaque = record.Spelling();
        if (_emittedTypes.Add(name))
        {
            // A const handle converts implicitly from its non-const twin (C allows T* -> const T*).
            string? mutableVariant = isConst ? FindMutableHandle(opaque, typedefDecl) : null;
            _model.Handles.Add(new HandleModel(name, opaque, isConst, mutableVariant, HeaderOf(typedefDecl)));
        }
        return name;
    }

    private string? FindMutableHandle(string opaqueStruct, CXCursor constTypedef)
    {
        if (!_mutableHandleTypedefs.TryGetValue(opaqueStruct, out CXCursor typedef)) return null;
        CXType pointee = clang_getPointeeType(clang_getTypedefDeclUnderlyingType(typedef).Desugared()).Desugared();
        return DeclareHandle(typedef.Spelling(), clang_getTypeDeclaration(pointee), false, typedef);
    }

    private string DeclareRecord(CXCursor decl, TypeUse use)
    {
        string name = NameOf(decl);
        CXCursor definition = clang_getCursorDefinition(decl);
        if (definition.IsNull())
        {
            if (name.Length == 0) throw new NotSupportedException("anonymous opaque struct");
            _model.OpaqueStructs.Add(name);
            return name;
        }
        if (name.Length == 0) throw new NotSupportedException($"anonymous record at {decl.Location()} outside a typedef or member");
        if (_emittedTypes.Add(name))
        {
            bool isUnion = definition.Kind == CXCursorKind.UnionDecl;
            string cName = _typedefNameOfAnonymous.ContainsKey(Key(definition)) || _typedefNameOfAnonymous.ContainsKey(Key(decl))
                ? name : (isUnion ? "union " : "struct ") + name;
            var fields = new List<FieldModel>();
            CollectFields(definition, name, 0, "", fields);
            _model.Structs.Add(new StructModel(name, cName, clang_Type_getSizeOf(definition.Type()), isUnion, fields, HeaderOf(definition)));
        }
        return name;
    }

    /// <summary>Fields with byte offsets; members of anonymous nested structs/unions are flattened.</summary>
    private void CollectFields(CXCursor record, string recordName, long baseOffset, string cPrefix, List<FieldModel> fields)
    {
        var children = record.Children();
        foreach (CXCursor f in children)
        {
            if (f.Kind != CXCursorKind.FieldDecl) continue;
            string fieldName = f.Spelling();
            if (clang_Cursor_isBitField(f) != 0)
                throw new NotSupportedException($"{recordName}.{fieldName} is a bit-field");
            long offset = baseOffset + clang_Cursor_getOffsetOfField(f) / 8;
            CXType type = f.Type().Desugared();
            if (type.Kind == CXTypeKind.Record && clang_Cursor_isAnonymous(clang_getTypeDeclaration(type)) != 0)
            {
                CXCursor nested = clang_getCursorDefinition(clang_getTypeDeclaration(type));
                string nestedPrefix = fieldName.Length == 0 ? cPrefix : cPrefix + fieldName + ".";
                CollectFields(nested, recordName, offset, nestedPrefix, fields);
                continue;
            }
            CXType canonical = type.Canonical();
            if (canonical.Kind == CXTypeKind.ConstantArray)
            {
                string elementType = MapType(clang_getArrayElementType(UnwrapArray(type)), TypeUse.Field);
                if (!CSharpNames.FixedBufferElementTypes.Contains(elementType))
                    throw new NotSupportedException($"{recordName}.{fieldName}: array of {elementType}");
                fields.Add(new FieldModel(CSharpNames.Identifier(fieldName), elementType, offset, (int)clang_getArraySize(canonical), cPrefix + fieldName));
                continue;
            }
            fields.Add(new FieldModel(CSharpNames.Identifier(fieldName), MapType(type, TypeUse.Field), offset, 0, cPrefix + fieldName));
        }
    }

    private static CXType UnwrapArray(CXType type)
    {
        // Walk typedefs down to the array type itself so its element keeps its typedef name.
        while (type.Kind == CXTypeKind.Typedef)
            type = clang_getTypedefDeclUnderlyingType(clang_getTypeDeclaration(type)).Desugared();
        return type;
    }

    private string DeclareEnum(CXCursor decl)
    {
        string name = NameOf(decl);
        if (name.Length == 0) throw new NotSupportedException($"anonymous enum used as a type at {decl.Location()}");
        if (_emittedTypes.Add(name))
        {
            CXType integer = clang_getEnumDeclIntegerType(decl).Canonical();
            string underlying = Builtin(integer);
            bool unsigned = underlying is "uint" or "ulong" or "ushort" or "byte";
            bool flags = _config.FlagsEnums.Contains(name);
            var members = new List<EnumMember>();
            foreach (CXCursor m in decl.Children().Where(m => m.Kind == CXCursorKind.EnumConstantDecl))
            {
                string value = unsigned
                    ? FormatValue(clang_getEnumConstantDeclUnsignedValue(m), flags)
                    : clang_getEnumConstantDeclValue(m).ToString(System.Globalization.CultureInfo.InvariantCulture);
                members.Add(new EnumMember(CSharpNames.Identifier(m.Spelling()), value));
            }
            _model.Enums.Add(new EnumModel(name, underlying, flags, members, HeaderOf(decl)));
        }
        return name;
    }

    private static string FormatValue(ulong value, bool hex) =>
        hex ? "0x" + value.ToString("X8", System.Globalization.CultureInfo.InvariantCulture)
            : value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private string FunctionPointer(CXType proto)
    {
        var parts = new List<string>();
        int count = clang_getNumArgTypes(proto);
        for (uint i = 0; i < count; i++) parts.Add(MapType(clang_getArgType(proto, i), TypeUse.Parameter));
        parts.Add(MapType(clang_getResultType(proto), TypeUse.Return));
        return $"delegate* unmanaged[Cdecl]<{string.Join(", ", parts)}>";
    }

    private static string Builtin(CXType type) => type.Canonical().Kind switch
    {
        CXTypeKind.Void => "void",
        CXTypeKind.Bool => "bool",
        CXTypeKind.Char_S or CXTypeKind.SChar => "sbyte",
        CXTypeKind.Char_U or CXTypeKind.UChar => "byte",
        CXTypeKind.Short => "short",
        CXTypeKind.UShort => "ushort",
        CXTypeKind.Int => "int",
        CXTypeKind.UInt => "uint",
        CXTypeKind.Long => "CLong",   // 64-bit on LP64, 32-bit on Windows: CLong follows the platform
        CXTypeKind.ULong => "CULong",
        CXTypeKind.LongLong => "long",
        CXTypeKind.ULongLong => "ulong",
        CXTypeKind.Float => "float",
        CXTypeKind.Double => "double",
        CXTypeKind.Half or CXTypeKind.Float16 => "Half",
        CXTypeKind.Enum or CXTypeKind.Record => throw new InvalidOperationException("not a builtin"),
        var kind => throw new NotSupportedException($"C type '{type.Spelling()}' ({kind})"),
    };
}
