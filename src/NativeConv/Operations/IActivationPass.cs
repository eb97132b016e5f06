namespace NativeConv;

/// <summary>
/// An activation over one length of float data, made once per shape (a library's primitives or operators, made and
/// reshaped then, or the managed pass): after a convolution the library does not fuse it into, or a standalone activation.
/// </summary>
internal unsafe interface IActivationPass : IDisposable
{
    /// <summary>What runs it, for Describe.</summary>
    string Implementation { get; }

    /// <summary>From <paramref name="source"/> into <paramref name="data"/> (the same buffer, or one that does not overlap it).</summary>
    void Run(float* source, float* data);
}

/// <summary>The managed pass (<see cref="ManagedActivation"/>) over one length: where a library's own measured slower.</summary>
internal sealed unsafe class ManagedActivationPass(Activation activation, int length) : IActivationPass
{
    public string Implementation => $"managed {ManagedActivation.Describe(activation)}";

    public void Run(float* source, float* data) => ManagedActivation.Apply(activation, source, data, length);

    public void Dispose()
    {
    }
}
