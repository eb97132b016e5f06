namespace NativeConv;

/// <summary>How a network shares a call's work between threads (a measured plan's choice, see <see cref="NetworkPlan.Batching"/>).</summary>
public enum BatchMode
{
    /// <summary>The whole batch in one pass through the network: each operation runs once, on every image.</summary>
    AllAtOnce,

    /// <summary>
    /// Image by image, each image on all the backend's threads: every layer's tensors are one image's, so they stay in
    /// the caches where a batch's spill to memory.
    /// </summary>
    ImageByImage,

    /// <summary>
    /// Image by image, the images shared between as many threads as the backends have, each running its images on its own
    /// single-threaded copy of the network (own native state and buffers): no thread waits for another between layers.
    /// </summary>
    ImagesAcrossThreads,

    /// <summary>
    /// For one image: the first operations (<see cref="NetworkPlan.BandedOperations"/>) run in horizontal bands of the
    /// image, one per thread, each on its own single-threaded copy of them, recomputing the few rows at its band's edges that
    /// the kernels reach across; the rest of the network then runs on all threads. No thread waits for another between
    /// those operations, and a band's tensors stay in its core's caches.
    /// </summary>
    RowsAcrossThreads,
}
