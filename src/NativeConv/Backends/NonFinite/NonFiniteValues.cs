namespace NativeConv;

/// <summary>What a backend's convolutions give for NaN and ±infinity in their input (<see cref="NativeConvOptions.NonFiniteValues"/>).</summary>
public enum NonFiniteValues
{
    /// <summary>
    /// PyTorch's and the reference's values (<see cref="NonFiniteRules"/>): relu(NaN) = NaN, clamp(NaN) = NaN, ±infinity through
    /// every activation as the reference computes it. Each call scans its input; a call that meets a NaN or an infinity
    /// overwrites the outputs whose windows hold one with the definition's value.
    /// </summary>
    PyTorch,

    /// <summary>
    /// Whatever the library's kernel gives (no scan): oneDNN's ReLU, ReLU6, clamp and HardSigmoid post-ops drop NaN, XNNPACK's
    /// output clamp turns NaN into a bound (−∞ with no activation). The speed option.
    /// </summary>
    Library,
}
