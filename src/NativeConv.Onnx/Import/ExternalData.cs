using Onnx;

namespace NativeConv.Onnx;

/// <summary>
/// An initializer's bytes kept in a file beside the model (TensorProto.data_location = EXTERNAL): the "location"
/// relative to the model's directory (never absolute, never above it, as ONNX Runtime requires), "offset" and "length".
/// Every problem is an <see cref="OnnxFormatException"/> naming the tensor and the file: missing, too short, an offset
/// or length out of range or disagreeing with the tensor's dims.
/// </summary>
internal static class ExternalData
{
    public static byte[] Read(TensorProto tensor, string? modelDirectory, long expectedBytes)
    {
        string? location = null;
        long offset = 0, length = -1;
        foreach (StringStringEntryProto entry in tensor.ExternalData)
        {
            switch (entry.Key)
            {
                case "location": location = entry.Value; break;
                case "offset": offset = Number(tensor, entry); break;
                case "length": length = Number(tensor, entry); break;
            }
        }
        if (string.IsNullOrEmpty(location)) throw new OnnxFormatException($"initializer '{tensor.Name}' keeps its data outside the model but names no file (external_data has no 'location')");
        if (modelDirectory is null) throw new OnnxFormatException($"initializer '{tensor.Name}' keeps its data in '{location}', but the model was not loaded from a file");
        if (Path.IsPathRooted(location) || location.Replace('\\', '/').Split('/').Contains(".."))
            throw new OnnxFormatException($"initializer '{tensor.Name}': external data location '{location}' must be a path below the model's directory");
        if (length >= 0 && length != expectedBytes)
            throw new OnnxFormatException($"initializer '{tensor.Name}' of {ElementType.Name(tensor.DataType)}[{string.Join(", ", tensor.Dims)}] needs {expectedBytes} bytes, but its external data length is {length}");
        string path = Path.Combine(modelDirectory, location);
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxFormatException($"initializer '{tensor.Name}': its external data file '{location}' cannot be read ({path}): {e.Message}", e);
        }
        using (file)
        {
            long available = file.Length;
            if (offset > available || expectedBytes > available - offset)
                throw new OnnxFormatException($"initializer '{tensor.Name}': its external data file '{location}' has {available} bytes, " +
                    $"too short for {expectedBytes} bytes at offset {offset}");
            var bytes = new byte[expectedBytes];
            file.Seek(offset, SeekOrigin.Begin);
            file.ReadExactly(bytes);
            return bytes;
        }
    }

    private static long Number(TensorProto tensor, StringStringEntryProto entry) =>
        long.TryParse(entry.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long n)
            ? n : throw new OnnxFormatException($"initializer '{tensor.Name}': external data {entry.Key} '{entry.Value}' is not a number of bytes");
}
