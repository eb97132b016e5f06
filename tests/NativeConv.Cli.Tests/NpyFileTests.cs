using System.Text;
using NativeConv.Npy;
using Xunit;

namespace NativeConv.Cli.Tests;

public class NpyFileTests
{
    /// <summary>A .npy file byte for byte: magic, version, little-endian header length, header, data.</summary>
    private static byte[] File(string header, byte major = 1, params float[] data)
    {
        var bytes = new List<byte>();
        bytes.AddRange([0x93, .. "NUMPY"u8]);
        bytes.Add(major);
        bytes.Add(0);
        byte[] text = Encoding.Latin1.GetBytes(header + "\n");
        if (major == 1) bytes.AddRange(BitConverter.GetBytes((ushort)text.Length));
        else bytes.AddRange(BitConverter.GetBytes((uint)text.Length));
        bytes.AddRange(text);
        foreach (float v in data) bytes.AddRange(BitConverter.GetBytes(v));
        return bytes.ToArray();
    }

    private static NpyArray Read(byte[] bytes) => NpyFile.Read(new MemoryStream(bytes), "test.npy");

    [Fact]
    public void Reads_the_header_NumPy_writes()
    {
        NpyArray a = Read(File("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }      ", 1, 1, 2, 3, 4, 5, 6));
        Assert.Equal([2, 3], a.Shape);
        Assert.Equal([1f, 2, 3, 4, 5, 6], a.Data);
    }

    [Fact]
    public void Reads_format_2_and_3_one_element_tuples_and_scalars()
    {
        Assert.Equal([4], Read(File("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", 2, 1, 2, 3, 4)).Shape);
        Assert.Equal([1, 1], Read(File("{\"shape\": (1, 1), \"fortran_order\": False, \"descr\": \"<f4\"}", 3, 7)).Shape);
        NpyArray scalar = Read(File("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", 1, 2.5f));
        Assert.Empty(scalar.Shape);
        Assert.Equal([2.5f], scalar.Data);
    }

    [Fact]
    public void Write_then_read_gives_back_the_array_with_data_64_byte_aligned()
    {
        var original = new NpyArray([2, 1, 3, 2], Enumerable.Range(0, 12).Select(i => i * 0.25f - 1).ToArray());
        var stream = new MemoryStream();
        NpyFile.Write(stream, original);
        byte[] bytes = stream.ToArray();
        Assert.Equal(0, (bytes.Length - 12 * 4) % 64);
        Assert.Equal([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0], bytes[..8]);
        Assert.Contains("'shape': (2, 1, 3, 2)", Encoding.Latin1.GetString(bytes));
        NpyArray back = Read(bytes);
        Assert.Equal(original.Shape, back.Shape);
        Assert.Equal(original.Data, back.Data);
    }

    [Theory]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", "'<f8' (float64)")]
    [InlineData("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", "big-endian float32")]
    [InlineData("{'descr': '|b1', 'fortran_order': False, 'shape': (1,), }", "'|b1' (bool)")]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", "fortran_order is True")]
    [InlineData("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", "malformed header")]
    [InlineData("{'descr': '<f4', 'shape': (1,), }", "no 'fortran_order' key")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", "malformed header")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (3000000000,), }", "between 0 and")]
    public void Rejects_what_is_not_a_C_ordered_float32_array_and_says_why(string header, string expected)
    {
        var e = Assert.Throws<NpyFormatException>(() => Read(File(header, 1, 1f)));
        Assert.Contains(expected, e.Message);
        Assert.Contains("test.npy", e.Message);
    }

    [Fact]
    public void Rejects_truncated_and_overlong_data_naming_the_byte_counts()
    {
        const string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
        Assert.Contains("needs 16 data bytes, the file has 12", Assert.Throws<NpyFormatException>(() => Read(File(header, 1, 1, 2, 3))).Message);
        Assert.Contains("data past the 16 bytes", Assert.Throws<NpyFormatException>(() => Read(File(header, 1, 1, 2, 3, 4, 5))).Message);
    }

    [Fact]
    public void Rejects_other_files_and_unknown_versions()
    {
        Assert.Contains("not a .npy file", Assert.Throws<NpyFormatException>(() => Read("PK\x03\x04 a zip file"u8.ToArray())).Message);
        Assert.Contains("not a .npy file", Assert.Throws<NpyFormatException>(() => Read([])).Message);
        Assert.Contains("version 4.0", Assert.Throws<NpyFormatException>(() =>
            Read(File("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 4, 1f))).Message);
        byte[] cut = File("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 1, 1f)[..20];
        Assert.Contains("file ends inside the header", Assert.Throws<NpyFormatException>(() => Read(cut)).Message);
    }

    [Fact]
    public void NpyArray_checks_that_shape_and_data_agree()
    {
        var e = Assert.Throws<ArgumentException>(() => new NpyArray([2, 3], new float[5]));
        Assert.Equal("data", e.ParamName);
        Assert.Contains("(2, 3) holds 6 values, data has 5", e.Message);
    }
}
