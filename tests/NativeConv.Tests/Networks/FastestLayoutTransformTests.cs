using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// The edge transpose chosen by measuring (<see cref="FastestLayoutTransform"/>): whichever wins, it is exactly the
/// index transpose and writes nothing past its output; without a native source it is the managed one.
/// </summary>
public unsafe class FastestLayoutTransformTests
{
    [SkippableTheory]
    [InlineData(1, 32, 112 * 112)] // the v1 body's input, NCHW -> NHWC
    [InlineData(1, 7 * 7, 1024)] // its output, NHWC -> NCHW
    [InlineData(2, 5, 3)]
    [InlineData(1, 1, 1000)] // logits: one pixel
    public void The_chosen_transform_is_exactly_the_transpose_by_index(int batch, int rows, int columns)
    {
        ConvBackend[] sources = TestBackends.Native.Select(TestBackends.GetOrSkip).ToArray();
        float[] x = NetworkCases.Rand(new Random(rows), batch * rows * columns, 1);
        var y = new float[x.Length + 16];
        Array.Fill(y, float.NaN);
        using (ILayoutTransform transform = FastestLayoutTransform.Choose(sources, batch, rows, columns))
        {
            fixed (float* px = x)
            fixed (float* py = y)
            {
                transform.Run(px, py);
            }
        }
        for (int n = 0; n < batch; n++)
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < columns; c++)
                    Assert.Equal(x[(n * rows + r) * columns + c], y[(n * columns + c) * rows + r]);
        Assert.All(y[x.Length..], v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void Without_a_native_source_it_is_the_managed_transpose()
    {
        using ILayoutTransform transform = FastestLayoutTransform.Choose([], 1, 4, 6);
        Assert.IsType<ManagedLayoutTransform>(transform);
    }
}
