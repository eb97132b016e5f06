using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// Output sizes and padding splits checked against values worked out by hand from the two rules
/// users bring, not from <see cref="ConvGeometry"/> (which the reference, the expected values and the
/// backends all share):
/// TensorFlow's SAME: out = ceil(in / s); total = max((out − 1)·s + ek − in, 0); top = ⌊total / 2⌋, the
/// extra row at the bottom. PyTorch's explicit padding: out = ⌊(in + top + bottom − ek) / s⌋ + 1, where
/// ek = (k − 1)·d + 1.
/// </summary>
public class PaddingRuleTests
{
    // (input, kernel, stride, dilation, padding, expected output, expected before, expected after)
    public static TheoryData<int, int, int, int, string, int, int, int> Table() => new()
    {
        // SAME, worked out with TensorFlow's rule
        { 224, 3, 2, 1, "same", 112, 0, 1 },   // total = 111·2 + 3 − 224 = 1
        { 112, 3, 1, 1, "same", 112, 1, 1 },   // total = 2
        { 7, 5, 2, 1, "same", 4, 2, 2 },       // total = 3·2 + 5 − 7 = 4
        { 8, 1, 2, 1, "same", 4, 0, 0 },       // total = max(3·2 + 1 − 8, 0) = 0
        { 5, 2, 1, 1, "same", 5, 0, 1 },       // total = 4 + 2 − 5 = 1: the odd row goes to the bottom
        { 10, 3, 1, 2, "same", 10, 2, 2 },     // ek = 5; total = 9 + 5 − 10 = 4
        { 6, 4, 3, 1, "same", 2, 0, 1 },       // total = 3 + 4 − 6 = 1
        { 1, 7, 2, 1, "same", 1, 3, 3 },       // total = 0 + 7 − 1 = 6
        // explicit (PyTorch) and VALID
        { 224, 3, 2, 1, "1", 112, 1, 1 },      // ⌊(224 + 2 − 3) / 2⌋ + 1 = 112
        { 7, 3, 2, 1, "1", 4, 1, 1 },          // ⌊6 / 2⌋ + 1
        { 5, 3, 1, 2, "0", 1, 0, 0 },          // ek = 5: ⌊0 / 1⌋ + 1
        { 9, 5, 3, 1, "1,2", 3, 1, 2 },        // ⌊(9 + 3 − 5) / 3⌋ + 1 = 3
        { 1, 3, 1, 1, "1", 1, 1, 1 },          // ⌊(1 + 2 − 3) / 1⌋ + 1
        { 6, 4, 3, 1, "valid", 1, 0, 0 },      // ⌊(6 − 4) / 3⌋ + 1
        { 13, 3, 2, 1, "valid", 6, 0, 0 },     // ⌊10 / 2⌋ + 1
    };

    private static Padding2D Parse(string padding) => padding switch
    {
        "same" => Padding2D.Same,
        "valid" => Padding2D.Valid,
        _ when padding.Split(',') is [var before, var after] => Padding2D.Explicit(int.Parse(before), 0, int.Parse(after), 0),
        _ => Padding2D.Explicit(int.Parse(padding), 0, int.Parse(padding), 0),
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Output_size_and_padding_split_follow_the_rule(int input, int kernel, int stride, int dilation, string padding,
        int expectedOutput, int expectedBefore, int expectedAfter)
    {
        // The rule runs along the height; a 1-wide kernel along the width keeps that axis trivial.
        var spec = new Conv2dSpec(1, 1, new Size2D(kernel, 1), new Size2D(stride, 1), Parse(padding), new Size2D(dilation, 1));
        ConvGeometry g = spec.Geometry(1, input, 3);
        Assert.Equal(expectedOutput, g.OutHeight);
        Assert.Equal(expectedBefore, g.PadTop);
        Assert.Equal(expectedAfter, g.PadBottom);
    }

    public static TheoryData<string> Backends() => new(TestBackends.UnderTest);

    /// <summary>
    /// Each backend's Same padding equals the reference run with the explicit split from the table
    /// (224 → 112 with k3 s2: top 0, bottom 1), so a backend that split the other way would differ.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(Backends))]
    public void Same_padding_runs_as_the_table_s_explicit_split(string backendName)
    {
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        float[] weights = Enumerable.Range(0, 4 * 9).Select(i => (float)(i % 5 - 2)).ToArray();
        float[] input = Enumerable.Range(0, 4 * 24 * 24).Select(i => (float)(i * 7 % 11 - 5)).ToArray();
        var same = new float[4 * 12 * 12];
        var explicitSplit = new float[same.Length];
        using (var layer = new DepthwiseConv2d(4, 3, weights, [], backend, stride: 2, padding: Padding2D.Same, layout: TensorLayout.Nhwc))
            layer.Forward(input, same, 1, 24, 24); // total = 11·2 + 3 − 24 = 1 on each axis: 0 before, 1 after
        using (var reference = new DepthwiseConv2d(4, 3, weights, [], new ReferenceBackend(), stride: 2, padding: Padding2D.Explicit(0, 0, 1, 1), layout: TensorLayout.Nhwc))
            reference.Forward(input, explicitSplit, 1, 24, 24);
        Assert.Equal(explicitSplit, same); // integer data: exact
    }
}
