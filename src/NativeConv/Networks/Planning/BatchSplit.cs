namespace NativeConv;

/// <summary>How a call's images are shared between threads (a plan's choice for a batch of more than one image).</summary>
public enum BatchSplit
{
    /// <summary>The whole batch in one pass through the network, each operation on every thread.</summary>
    AllAtOnce,

    /// <summary>
    /// The images shared between the threads, each thread running its share image by image on its own single-threaded
    /// copy of the network (own native state and buffers): no thread waits for another between operations.
    /// </summary>
    ImagesAcrossThreads,
}
