using System.Runtime.InteropServices;

namespace NativeConv.BindingGenerator.Clang;

// The part of libclang's C API (clang-c/Index.h, LLVM 14) the generator uses. This is the
// generator's own tooling, not a product binding, so it is written by hand.

[StructLayout(LayoutKind.Sequential)]
internal struct CXString
{
    public nint Data;
    public uint PrivateFlags;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CXCursor
{
    public CXCursorKind Kind;
    public int XData;
    public fixed ulong Data[3];
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CXType
{
    public CXTypeKind Kind;
    public fixed ulong Data[2];
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CXSourceLocation
{
    public fixed ulong PtrData[2];
    public uint IntData;
}

[StructLayout(LayoutKind.Sequential)]
internal struct CXUnsavedFile
{
    public nint Filename;
    public nint Contents;
    public nuint Length;
}

internal enum CXCursorKind
{
    StructDecl = 2,
    UnionDecl = 3,
    EnumDecl = 5,
    FieldDecl = 6,
    EnumConstantDecl = 7,
    FunctionDecl = 8,
    VarDecl = 9,
    ParmDecl = 10,
    TypedefDecl = 20,
    MacroDefinition = 501,
}

internal enum CXTypeKind
{
    Invalid = 0, Unexposed = 1, Void = 2, Bool = 3, Char_U = 4, UChar = 5, Char16 = 6, Char32 = 7,
    UShort = 8, UInt = 9, ULong = 10, ULongLong = 11, UInt128 = 12, Char_S = 13, SChar = 14, WChar = 15,
    Short = 16, Int = 17, Long = 18, LongLong = 19, Int128 = 20, Float = 21, Double = 22, LongDouble = 23,
    Half = 31, Float16 = 32,
    Pointer = 101, Record = 105, Enum = 106, Typedef = 107, FunctionNoProto = 110, FunctionProto = 111,
    ConstantArray = 112, IncompleteArray = 114, Elaborated = 119, Auto = 118, Attributed = 163,
}

internal enum CXChildVisitResult { Break = 0, Continue = 1, Recurse = 2 }

internal enum CXEvalResultKind { UnExposed = 0, Int = 1, Float = 2, StrLiteral = 4, Other = 6 }

internal static unsafe partial class LibClang
{
    public const string Library = "libclang";
    public const uint DetailedPreprocessingRecord = 0x01;
    public const uint SkipFunctionBodies = 0x40;

    [DllImport(Library)] public static extern nint clang_createIndex(int excludeDeclarationsFromPch, int displayDiagnostics);
    [DllImport(Library)] public static extern void clang_disposeIndex(nint index);
    [DllImport(Library)] public static extern int clang_parseTranslationUnit2(nint index, sbyte* sourceFilename, sbyte** args, int numArgs, CXUnsavedFile* unsavedFiles, uint numUnsaved, uint options, nint* tu);
    [DllImport(Library)] public static extern void clang_disposeTranslationUnit(nint tu);
    [DllImport(Library)] public static extern uint clang_getNumDiagnostics(nint tu);
    [DllImport(Library)] public static extern nint clang_getDiagnostic(nint tu, uint index);
    [DllImport(Library)] public static extern CXString clang_formatDiagnostic(nint diagnostic, uint options);
    [DllImport(Library)] public static extern int clang_getDiagnosticSeverity(nint diagnostic);
    [DllImport(Library)] public static extern void clang_disposeDiagnostic(nint diagnostic);
    [DllImport(Library)] public static extern CXCursor clang_getTranslationUnitCursor(nint tu);
    [DllImport(Library)] public static extern uint clang_visitChildren(CXCursor parent, delegate* unmanaged<CXCursor, CXCursor, nint, CXChildVisitResult> visitor, nint clientData);
    [DllImport(Library)] public static extern CXString clang_getCursorSpelling(CXCursor cursor);
    [DllImport(Library)] public static extern CXType clang_getCursorType(CXCursor cursor);
    [DllImport(Library)] public static extern CXCursor clang_getCursorDefinition(CXCursor cursor);
    [DllImport(Library)] public static extern CXCursor clang_getCanonicalCursor(CXCursor cursor);
    [DllImport(Library)] public static extern uint clang_equalCursors(CXCursor a, CXCursor b);
    [DllImport(Library)] public static extern int clang_Cursor_isNull(CXCursor cursor);
    [DllImport(Library)] public static extern uint clang_Cursor_isAnonymous(CXCursor cursor);
    [DllImport(Library)] public static extern uint clang_Cursor_isBitField(CXCursor cursor);
    [DllImport(Library)] public static extern uint clang_Cursor_isFunctionInlined(CXCursor cursor);
    [DllImport(Library)] public static extern uint clang_Cursor_isMacroFunctionLike(CXCursor cursor);
    [DllImport(Library)] public static extern uint clang_isInvalidDeclaration(CXCursor cursor);
    [DllImport(Library)] public static extern int clang_Cursor_getNumArguments(CXCursor cursor);
    [DllImport(Library)] public static extern CXCursor clang_Cursor_getArgument(CXCursor cursor, uint index);
    [DllImport(Library)] public static extern long clang_Cursor_getOffsetOfField(CXCursor cursor);
    [DllImport(Library)] public static extern int clang_Cursor_getStorageClass(CXCursor cursor);
    [DllImport(Library)] public static extern long clang_getEnumConstantDeclValue(CXCursor cursor);
    [DllImport(Library)] public static extern ulong clang_getEnumConstantDeclUnsignedValue(CXCursor cursor);
    [DllImport(Library)] public static extern CXType clang_getEnumDeclIntegerType(CXCursor cursor);
    [DllImport(Library)] public static extern CXType clang_getTypedefDeclUnderlyingType(CXCursor cursor);
    [DllImport(Library)] public static extern CXSourceLocation clang_getCursorLocation(CXCursor cursor);
    [DllImport(Library)] public static extern void clang_getFileLocation(CXSourceLocation location, nint* file, uint* line, uint* column, uint* offset);
    [DllImport(Library)] public static extern CXString clang_getFileName(nint file);
    [DllImport(Library)] public static extern CXString clang_getTypeSpelling(CXType type);
    [DllImport(Library)] public static extern CXString clang_getTypedefName(CXType type);
    [DllImport(Library)] public static extern CXType clang_getCanonicalType(CXType type);
    [DllImport(Library)] public static extern CXType clang_getPointeeType(CXType type);
    [DllImport(Library)] public static extern CXType clang_getResultType(CXType type);
    [DllImport(Library)] public static extern int clang_getNumArgTypes(CXType type);
    [DllImport(Library)] public static extern CXType clang_getArgType(CXType type, uint index);
    [DllImport(Library)] public static extern uint clang_isFunctionTypeVariadic(CXType type);
    [DllImport(Library)] public static extern uint clang_isConstQualifiedType(CXType type);
    [DllImport(Library)] public static extern CXType clang_getArrayElementType(CXType type);
    [DllImport(Library)] public static extern long clang_getArraySize(CXType type);
    [DllImport(Library)] public static extern CXType clang_Type_getNamedType(CXType type);
    [DllImport(Library)] public static extern CXType clang_Type_getModifiedType(CXType type);
    [DllImport(Library)] public static extern CXCursor clang_getTypeDeclaration(CXType type);
    [DllImport(Library)] public static extern long clang_Type_getSizeOf(CXType type);
    [DllImport(Library)] public static extern long clang_Type_getAlignOf(CXType type);
    [DllImport(Library)] public static extern nint clang_Cursor_Evaluate(CXCursor cursor);
    [DllImport(Library)] public static extern CXEvalResultKind clang_EvalResult_getKind(nint result);
    [DllImport(Library)] public static extern uint clang_EvalResult_isUnsignedInt(nint result);
    [DllImport(Library)] public static extern ulong clang_EvalResult_getAsUnsigned(nint result);
    [DllImport(Library)] public static extern long clang_EvalResult_getAsLongLong(nint result);
    [DllImport(Library)] public static extern double clang_EvalResult_getAsDouble(nint result);
    [DllImport(Library)] public static extern sbyte* clang_EvalResult_getAsStr(nint result);
    [DllImport(Library)] public static extern void clang_EvalResult_dispose(nint result);
    [DllImport(Library)] private static extern sbyte* clang_getCString(CXString value);
    [DllImport(Library)] private static extern void clang_disposeString(CXString value);

    /// <summary>Copies a CXString into a managed string and disposes it.</summary>
    public static string Take(CXString value)
    {
        try
        {
            sbyte* text = clang_getCString(value);
            return text == null ? "" : new string(text);
        }
        finally
        {
            clang_disposeString(value);
        }
    }
}
