namespace NativeConv;

/// <summary>How a network runs on one backend.</summary>
public enum NetworkExecution
{
    /// <summary>Operation by operation: a kernel per convolution, the small operations managed, buffers planned by NativeConv.</summary>
    Operations,

    /// <summary>
    /// The whole network handed to the backend as one native object that plans its own memory and runs every
    /// operation in one call: XNNPACK's subgraph runtime. Float32; a backend without such a form refuses it.
    /// </summary>
    Whole,
}
