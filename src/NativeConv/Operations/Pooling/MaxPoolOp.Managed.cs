using System.Numerics;

namespace NativeConv;

internal sealed partial class MaxPoolOp
{
    /// <summary>
    /// <see cref="ManagedPool"/> with the processor's own maximum (MaxNative, one instruction, whatever it does with a
    /// NaN) and the NaN lanes flagged beside it, so a window with a NaN gives NaN as in PyTorch: faster than IEEE 754's
    /// NaN-keeping Vector.Max, which takes several instructions (PoolTimings times both).
    /// </summary>
    public override OpKernel LowerManaged() => new ManagedKernel((op, shapes) => new Step(op, shapes, ((MaxPoolOp)op).Geometry(shapes)));

    private sealed unsafe class Step(GraphOp op, OpShapes shapes, PoolGeometry geometry) : OpStep(op, shapes)
    {
        public override string Implementation => "vectorized C# (channels in vectors)";

        public override void Run(float** values) => ManagedPool.Run(values[Inputs[0]], values[Outputs[0]], geometry, default(Maximum));
    }

    private readonly struct Maximum : IPoolReduction
    {
        public static Vector<float> Seed => new(float.NegativeInfinity);

        public static Vector<float> Join(Vector<float> sofar, Vector<float> tap) => Vector.MaxNative(sofar, tap);

        public static float Join(float sofar, float tap) => MathF.Max(sofar, tap); // IEEE 754's: NaN kept

        public static bool FlagsNaN => true;

        public static Vector<float> Finish(Vector<float> joined, Vector<float> divisor) => joined;

        public float Divisor(int oy, int ox) => 1;
    }
}
