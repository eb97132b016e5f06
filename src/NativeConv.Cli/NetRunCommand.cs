using System.Diagnostics;
using NativeConv.Npy;

namespace NativeConv.Cli;

/// <summary>
/// `nativeconv net run`: a whole MobileNet on a NumPy input, (N, 3, 224, 224) for nchw or (N, 224, 224, 3)
/// for nhwc (any size the network takes; N may be left out), writing the logits (N, 1000), or for the
/// v1 body the feature map in the input's layout. The output file appears whole or not at all.
/// </summary>
internal static class NetRunCommand
{
    public static int Run(NetOptions options, TextWriter log)
    {
        NpyArray input = NpyFile.Read(options.Input!);
        IReadOnlyList<NetworkBlock> blocks = options.LoadBlocks(log);
        if (input.Rank is not (3 or 4))
            throw new ArgumentException($"input {NpyArray.Describe(input.Shape)} must have 4 dimensions ({Axes(options.Layout)}) or 3 (without N)", "--input");
        int[] s = input.Rank == 4 ? input.Shape : [1, .. input.Shape];
        var shape = options.Layout == TensorLayout.Nchw ? new TensorShape(s[0], s[1], s[2], s[3]) : new TensorShape(s[0], s[3], s[1], s[2]);

        using var backends = new ConvBackends(options.BackendOptions());
        using ConvNetwork network = options.CreateNetwork(blocks, backends, log);
        TensorShape outShape = network.OutputShape(shape); // names the block when the input does not fit
        var output = new float[outShape.Length];
        var clock = Stopwatch.StartNew();
        // One call: auto chooses the plan in it, and the output is the chosen plan's.
        network.Forward(input.Data, output, shape.Batch, shape.Height, shape.Width);
        NetworkPlan plan = network.PlanFor(shape.Batch, shape.Height, shape.Width)!;
        log.WriteLine($"{MobileNets.NameOf(options.Model)} on {network.BackendName} ({options.Layout}): {shape.ToString(options.Layout)} -> " +
                      $"{outShape.ToString(options.Layout)} in {clock.Elapsed.TotalMilliseconds:0.###} ms including first-shape setup and planning; plan {plan}");
        options.ReportPlanFile(network, shape, log);
        options.SavePlanIfAsked(network, shape, log);

        int[] written = outShape.Height == 1 && outShape.Width == 1
            ? [outShape.Batch, outShape.Channels] // logits
            : options.Layout == TensorLayout.Nchw
                ? [outShape.Batch, outShape.Channels, outShape.Height, outShape.Width]
                : [outShape.Batch, outShape.Height, outShape.Width, outShape.Channels];
        NpyFile.Write(options.Output!, new NpyArray(input.Rank == 4 ? written : written[1..], output));
        log.WriteLine($"wrote {options.Output}: {NpyArray.Describe(written)} float32");
        return 0;
    }

    private static string Axes(TensorLayout layout) => layout == TensorLayout.Nchw ? "N, C, H, W" : "N, H, W, C";
}
