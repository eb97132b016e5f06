namespace NativeConv;

/// <summary>A whole network made for one input shape (<see cref="IWholeNetwork"/>): NHWC in, NHWC out.</summary>
internal interface IWholeNetworkRun : IDisposable
{
    /// <summary>Runs from the graph's inputs into its outputs (pointers in call order, pinned by the caller, exactly the shapes' lengths).</summary>
    unsafe void Run(float** inputs, float** outputs);
}
