using System.Numerics;

namespace NativeConv;

internal sealed partial class AvgPoolOp
{
    /// <summary><see cref="ManagedPool"/> summing the taps, each window's sum divided by its divisor (PyTorch's arithmetic).</summary>
    public override OpKernel LowerManaged() => new ManagedKernel((op, shapes) => new Step((AvgPoolOp)op, shapes));

    private sealed unsafe class Step(AvgPoolOp op, OpShapes shapes) : OpStep(op, shapes)
    {
        private readonly Mean _mean = new(op, op.Geometry(shapes));

        public override string Implementation => "vectorized C# (channels in vectors)";

        public override void Run(float** values) => ManagedPool.Run(values[Inputs[0]], values[Outputs[0]], _mean.Geometry, _mean);
    }

    /// <summary>The windows' divisors, computed once per shape (a table of Rows.Out · Columns.Out).</summary>
    private readonly struct Mean(AvgPoolOp op, PoolGeometry geometry) : IPoolReduction
    {
        private readonly float[] _divisors = Divisors(op, geometry);

        public PoolGeometry Geometry { get; } = geometry;

        public static Vector<float> Seed => Vector<float>.Zero;

        public static Vector<float> Join(Vector<float> sofar, Vector<float> tap) => sofar + tap;

        public static float Join(float sofar, float tap) => sofar + tap;

        public static bool FlagsNaN => false; // a sum carries NaN itself

        public static Vector<float> Finish(Vector<float> joined, Vector<float> divisor) => joined / divisor;

        public float Divisor(int oy, int ox) => _divisors[oy * Geometry.Columns.Out + ox];

        private static float[] Divisors(AvgPoolOp op, PoolGeometry g)
        {
            var divisors = new float[g.Rows.Out * g.Columns.Out];
            for (int oy = 0; oy < g.Rows.Out; oy++)
                for (int ox = 0; ox < g.Columns.Out; ox++)
                    divisors[oy * g.Columns.Out + ox] = op.Divisor(g, oy, ox);
            return divisors;
        }
    }
}
