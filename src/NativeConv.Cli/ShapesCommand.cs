namespace NativeConv.Cli;

/// <summary>
/// `nativeconv shapes`: the MobileNet layers as CSV, so the C harness (nc_baseline --shapes) and the
/// PyTorch peer time exactly the layers the facade benchmarks do, from this one list.
/// </summary>
internal static class ShapesCommand
{
    public const string Header = "model,layer,count,size,in_channels,out_channels,groups,kernel,stride,padding,activation";

    public static int Run(IEnumerable<string> models, TextWriter output)
    {
        output.WriteLine(Header);
        foreach (string model in models)
        foreach (MobileNetLayer l in model == "v1" ? MobileNetLayers.V1 : MobileNetLayers.V2)
        {
            Conv2dSpec s = l.Spec;
            output.WriteLine($"{l.Model},{l.Name},{l.Count},{l.Size},{s.InChannels},{s.OutChannels},{s.Groups},{s.Kernel.Height},{s.Stride.Height},{s.Padding.Top},{s.Activation}");
        }
        return 0;
    }
}
