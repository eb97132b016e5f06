namespace NativeConv;

/// <summary>The MobileNets <see cref="MobileNets"/> builds, at width 1.0 and 224x224 (any input size ≥ 32 runs).</summary>
public enum MobileNetModel
{
    /// <summary>MobileNet v1 (Howard et al. 2017): stem, 13 separable blocks, pool, classifier.</summary>
    V1,

    /// <summary>MobileNet v1's 13 separable blocks alone, (N, 32, 112, 112) → (N, 1024, 7, 7): the benchmarks' "v1 body".</summary>
    V1Body,

    /// <summary>torchvision's mobilenet_v2.</summary>
    V2,

    /// <summary>torchvision's mobilenet_v3_small.</summary>
    V3Small,

    /// <summary>torchvision's mobilenet_v3_large.</summary>
    V3Large,
}
