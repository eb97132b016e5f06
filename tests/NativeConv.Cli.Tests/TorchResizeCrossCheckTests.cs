using System.Globalization;
using NativeConv.Npy;
using Xunit;

namespace NativeConv.Cli.Tests;

/// <summary>
/// The resize on .npy files written by NumPy, against torch.nn.functional.interpolate on the same arrays
/// (torch_resize_cases.py), on every built-in backend: mode='nearest' (asymmetric, floor) and 'nearest-exact'
/// (half-pixel, rounding half up) exactly, to the ulp of PyTorch's float32 coordinates; bilinear with both
/// align_corners.
///
/// Tolerance (bilinear): PyTorch's value is evaluated in float64 and rounded once to float32, so it is within u·|y|
/// (plus double roundings) of the exact interpolation; ours is a float32 evaluation within the reference's derived bound
/// of it (<see cref="NetworkEvaluation"/>), which is above u·|y|: the two are within twice that bound of each other.
/// </summary>
public class TorchResizeCrossCheckTests
{
    public static TheoryData<string, string> Cases() => TestBackends.Rows(
        [
            "bilinear_up_nchw", "bilinear_align_corners_nhwc", "bilinear_down_nhwc", "bilinear_align_corners_to_one_row_nchw",
            "bilinear_scale_nchw", "bilinear_lraspp_19_to_320_nhwc", "nearest_up_nchw", "nearest_down_nhwc", "nearest_scale_2x_nhwc",
            "nearest_exact_nchw", "nearest_float32_coordinates_nhwc",
        ],
        NativeConvBuilder.BuiltIn().Names); // what the CLI registers

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Resize_matches_PyTorchs_interpolate(string name, string backendName)
    {
        TorchPeer.Case c = TorchPeer.Resizes.Get(name);
        string File(string what) => Path.Combine(TorchPeer.Resizes.Directory, $"{name}.{what}.npy");
        ConvBackend backend = TestBackends.GetOrSkip(backendName);
        NpyArray x = NpyFile.Read(File("x")), torch = NpyFile.Read(File("torch"));
        TensorLayout layout = c.Flag("--layout") == "nhwc" ? TensorLayout.Nhwc : TensorLayout.Nchw;
        TensorShape shape = layout == TensorLayout.Nchw
            ? new TensorShape(x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3])
            : new TensorShape(x.Shape[0], x.Shape[3], x.Shape[1], x.Shape[2]);
        (ResizeMode mode, ResizeCoordinates coordinates, NearestRounding rounding) = c.Flag("--mode") switch
        {
            "bilinear" => (ResizeMode.Bilinear, c.Flag("--align-corners") == "1" ? ResizeCoordinates.AlignCorners : ResizeCoordinates.HalfPixel, NearestRounding.Floor),
            "nearest" => (ResizeMode.Nearest, ResizeCoordinates.Asymmetric, NearestRounding.Floor),
            _ => (ResizeMode.Nearest, ResizeCoordinates.HalfPixel, NearestRounding.RoundPreferCeil), // nearest-exact: ⌊(d + ½)·in/out⌋
        };
        ResizeSpec spec;
        if (c.Flags.Contains("--size"))
        {
            int[] size = c.Integers("--size");
            spec = ResizeSpec.ToSize(new Size2D(size[0], size[1]), mode, coordinates, rounding);
        }
        else
        {
            double[] scale = c.Flag("--scale").Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            spec = ResizeSpec.ByScale(scale[0], scale[1], mode, coordinates, rounding);
        }
        var g = new GraphBuilder();
        g.Output(g.Resize(g.Input("x", shape.Channels), spec, "interpolate"));
        NetworkGraph graph = g.Build();
        using var network = new ConvNetwork(graph, ConvBackends.Of(backend), new NetworkOptions { Layout = layout });
        TensorShape output = network.OutputShape(shape);
        int[] expectedShape = layout == TensorLayout.Nchw ? [output.Batch, output.Channels, output.Height, output.Width] : [output.Batch, output.Height, output.Width, output.Channels];
        Assert.Equal(torch.Shape, expectedShape);
        var ours = new float[output.Length];
        network.Forward(x.Data, ours, shape.Batch, shape.Height, shape.Width);

        if (mode == ResizeMode.Nearest)
        {
            for (int i = 0; i < ours.Length; i++)
                Assert.True(ours[i].Equals(torch.Data[i]), $"{name} on {backendName}: output {i}: ours {ours[i]:R}, torch {torch.Data[i]:R}");
        }
        else
        {
            ReferenceTensor expected = NetworkEvaluation.Run(graph, [ReferenceTensor.Exact(x.Data, shape, layout)], foldedFromBatchNorm: false)[0];
            for (int e = 0; e < expected.Value.Length; e++)
            {
                int i = expected.IndexIn(layout, e);
                double bound = 2 * expected.Bound[e], diff = Math.Abs((double)ours[i] - torch.Data[i]);
                Assert.True(diff <= bound, $"{name} on {backendName}: output {i}: ours {ours[i]:R}, torch {torch.Data[i]:R}, |diff| {diff:e3} > bound {bound:e3}");
            }
        }
        Assert.Contains(ours, v => v != 0); // the comparison saw real values, not an all-zero output
    }
}
