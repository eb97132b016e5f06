namespace NativeConv.Onnx;

/// <summary>
/// The file is not a usable ONNX model: it does not parse (truncated, not protobuf), or it parses but its graph is
/// broken (a cycle, a value nothing makes, a name made twice, an initializer whose data disagrees with its dims, an
/// external data file missing or too short). The message names the file and what is wrong where.
/// </summary>
public sealed class OnnxFormatException : Exception
{
    public OnnxFormatException(string message) : base(message)
    {
    }

    public OnnxFormatException(string message, Exception inner) : base(message, inner)
    {
    }
}
