using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static NativeConv.BindingGenerator.Clang.LibClang;

namespace NativeConv.BindingGenerator.Clang;

/// <summary>Managed conveniences over cursors and types: names, children, source positions.</summary>
internal static unsafe class ClangExtensions
{
    public static string Spelling(this CXCursor cursor) => Take(clang_getCursorSpelling(cursor));
    public static string Spelling(this CXType type) => Take(clang_getTypeSpelling(type));
    public static CXType Type(this CXCursor cursor) => clang_getCursorType(cursor);
    public static CXType Canonical(this CXType type) => clang_getCanonicalType(type);
    public static bool IsNull(this CXCursor cursor) => clang_Cursor_isNull(cursor) != 0;

    /// <summary>The type without sugar that carries no meaning for layout: elaboration, attributes.</summary>
    public static CXType Desugared(this CXType type)
    {
        while (true)
        {
            if (type.Kind == CXTypeKind.Elaborated) type = clang_Type_getNamedType(type);
            else if (type.Kind == CXTypeKind.Attributed) type = clang_Type_getModifiedType(type);
            else return type;
        }
    }

    /// <summary>File and byte offset where the cursor is declared.</summary>
    public static (string File, uint Line, uint Offset) Location(this CXCursor cursor)
    {
        nint file;
        uint line, column, offset;
        clang_getFileLocation(clang_getCursorLocation(cursor), &file, &line, &column, &offset);
        return (file == 0 ? "" : Take(clang_getFileName(file)), line, offset);
    }

    public static List<CXCursor> Children(this CXCursor cursor)
    {
        var children = new List<CXCursor>();
        var handle = GCHandle.Alloc(children);
        try
        {
            clang_visitChildren(cursor, &CollectChild, GCHandle.ToIntPtr(handle));
        }
        finally
        {
            handle.Free();
        }
        return children;
    }

    [UnmanagedCallersOnly]
    private static CXChildVisitResult CollectChild(CXCursor cursor, CXCursor parent, nint clientData)
    {
        ((List<CXCursor>)GCHandle.FromIntPtr(clientData).Target!).Add(cursor);
        return CXChildVisitResult.Continue;
    }
}
