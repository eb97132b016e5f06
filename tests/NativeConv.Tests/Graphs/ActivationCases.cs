using Xunit;

namespace NativeConv.Tests;

/// <summary>The activations and data the activation tests share.</summary>
internal static class ActivationCases
{
    /// <summary>Every kind an operation or a layer can take.</summary>
    public static readonly Activation[] All =
    [
        Activation.ReLU, Activation.ReLU6, Activation.Clamp(-1, 0.5f), Activation.HardSwish, Activation.HardSigmoid,
        Activation.Sigmoid, Activation.SiLU, Activation.GELU, Activation.Tanh,
    ];

    /// <summary>The smooth ones this round added.</summary>
    public static readonly Activation[] Smooth = [Activation.Sigmoid, Activation.SiLU, Activation.GELU, Activation.Tanh];

    /// <summary>Uniform in [-8, 8): past tanh's and sigmoid's knees and into GELU's negative tail.</summary>
    public static float[] Spread(TensorShape shape, int seed) => OperationCheck.Input(shape, seed).Select(v => 4 * v).ToArray();

    /// <summary>Both layouts, as theory rows.</summary>
    public static TheoryData<TensorLayout> Layouts() => new(TestBackends.Layouts);

    /// <summary>Every backend under test, in both layouts.</summary>
    public static TheoryData<string, TensorLayout> Backends() => TestBackends.Rows(TestBackends.UnderTest, TestBackends.Layouts);
}
