namespace NativeConv;

/// <summary>A whole network made for one input shape (<see cref="IWholeNetwork"/>): NHWC in, NHWC out.</summary>
internal interface IWholeNetworkRun : IDisposable
{
    /// <summary>Runs the network from <paramref name="input"/> into <paramref name="output"/> (pinned by the caller, exactly the shape's lengths).</summary>
    unsafe void Run(float* input, float* output);
}
