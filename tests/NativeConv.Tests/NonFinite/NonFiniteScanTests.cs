using Xunit;

namespace NativeConv.Tests;

/// <summary>The scans find a NaN or an infinity at every position (wide vectors, narrow vectors and the scalar tail alike), and nothing in finite data.</summary>
public class NonFiniteScanTests
{
    [Fact]
    public unsafe void Every_position_is_found_and_recorded()
    {
        const int Length = 203; // three 64-float blocks, then 8-float vectors, then a tail
        var data = new float[Length];
        for (int i = 0; i < Length; i++) data[i] = i % 7 - 3.5f;
        var bf16 = data.Select(v => (ushort)(BitConverter.SingleToUInt32Bits(v) >> 16)).ToArray();
        int[] positions = [];
        fixed (float* p = data)
        fixed (ushort* q = bf16)
        {
            Assert.False(NonFiniteScan.Any(p, Length));
            Assert.False(NonFiniteScan.AnyBFloat16(q, Length));
            foreach (float value in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
                for (int i = 0; i < Length; i++)
                {
                    float kept = p[i];
                    ushort keptHalf = q[i];
                    p[i] = value;
                    q[i] = (ushort)(BitConverter.SingleToUInt32Bits(value) >> 16);
                    Assert.True(NonFiniteScan.Any(p, Length), $"{value} at {i}");
                    Assert.True(NonFiniteScan.AnyBFloat16(q, Length), $"bf16 {value} at {i}");
                    Assert.Equal(1, NonFiniteScan.Record(p, Length, ref positions, 0));
                    Assert.Equal(i, positions[0]);
                    Assert.Equal(1, NonFiniteScan.RecordBFloat16(q, Length, ref positions, 0));
                    Assert.Equal(i, positions[0]);
                    Assert.False(NonFiniteScan.Any(p, i), $"{value} at {i} is outside the first {i}");
                    p[i] = kept;
                    q[i] = keptHalf;
                }
            Assert.False(NonFiniteScan.Any(p, Length));
        }
    }
}
