namespace NativeConv;

internal sealed partial class ResizeOp
{
    /// <summary>
    /// NHWC, vectorized over channels, from index and weight tables made once per shape. Nearest copies pixels, and a
    /// row that repeats the one above it whole. Bilinear is separable: each input row it reads is interpolated across
    /// once into one of two held rows, and each output row is then one vector pass blending two held rows; upsampling
    /// reads each input row once instead of once per output row. An output that does not fit in the last-level cache is
    /// written with streaming stores.
    /// </summary>
    public override OpKernel LowerManaged() => new ManagedKernel((_, shapes) => ManagedStep(shapes));

    /// <summary>The managed step for these shapes; also where a library's kernel does not match the convention for a shape (<paramref name="note"/> says why).</summary>
    internal OpStep ManagedStep(OpShapes shapes, string note = "") =>
        Spec.Mode == ResizeMode.Nearest ? new NearestStep(this, shapes, note) : new BilinearStep(this, shapes, note);

    private sealed unsafe class NearestStep : OpStep
    {
        private readonly int[] _rows; // per output row, its input row
        private readonly int[] _columns; // per output column, its input pixel's offset in a row (floats)
        private readonly bool _sameColumns;

        public NearestStep(ResizeOp op, OpShapes shapes, string note) : base(op, shapes)
        {
            (ResizeAxis rows, ResizeAxis columns) = op.Axes(shapes);
            int c = shapes.Input.Channels;
            _rows = Enumerable.Range(0, rows.Output).Select(oy => rows.Nearest(oy, op.Spec.Rounding)).ToArray();
            int[] from = Enumerable.Range(0, columns.Output).Select(ox => columns.Nearest(ox, op.Spec.Rounding)).ToArray();
            _sameColumns = from.SequenceEqual(Enumerable.Range(0, columns.Input));
            _columns = from.Select(ix => ix * c).ToArray();
            Implementation = "vectorized C# (pixel copies, a repeated row copied whole)" + note;
        }

        public override string Implementation { get; }

        public override void Run(float** values)
        {
            TensorShape s = Shapes.Input, o = Shapes.Output;
            int c = s.Channels, inRow = s.Width * c, outRow = o.Width * c;
            long bytes = (long)outRow * sizeof(float);
            for (int n = 0; n < o.Batch; n++)
            {
                float* image = values[Inputs[0]] + (long)n * s.Height * inRow;
                float* y = values[Outputs[0]] + (long)n * o.Height * outRow;
                for (int oy = 0; oy < o.Height; oy++, y += outRow)
                {
                    if (oy > 0 && _rows[oy] == _rows[oy - 1])
                    {
                        Buffer.MemoryCopy(y - outRow, y, bytes, bytes);
                        continue;
                    }
                    float* row = image + (long)_rows[oy] * inRow;
                    if (_sameColumns) Buffer.MemoryCopy(row, y, bytes, bytes);
                    else
                        for (int ox = 0; ox < _columns.Length; ox++) ChannelVectors.Copy(row + _columns[ox], y + ox * c, c);
                }
            }
        }
    }

    private sealed unsafe class BilinearStep : OpStep
    {
        private readonly int[] _top, _bottom; // per output row, its two input rows
        private readonly float[] _topWeight, _bottomWeight;
        private readonly int[] _left, _right; // per output column, its two input pixels' offsets in a row (floats)
        private readonly float[] _leftWeight, _rightWeight;
        private readonly float[] _held; // two input rows interpolated across
        private readonly int[] _heldRow = new int[2]; // which input row each holds (-1: none)
        private readonly bool _streaming; // the output rows written past the caches

        public BilinearStep(ResizeOp op, OpShapes shapes, string note) : base(op, shapes)
        {
            (ResizeAxis rows, ResizeAxis columns) = op.Axes(shapes);
            int c = shapes.Input.Channels;
            (_top, _bottom, _topWeight, _bottomWeight) = Table(rows, 1);
            (_left, _right, _leftWeight, _rightWeight) = Table(columns, c);
            _held = new float[2 * shapes.Output.Width * c];
            // oneDNN's rule for its own resampling: stream when input and output together exceed the last-level cache.
            _streaming = ChannelVectors.CanStream && LastLevelCache.Bytes is { } cache && ((long)shapes.Input.Length + shapes.Output.Length) * sizeof(float) > cache;
            Implementation = "vectorized C# (input rows interpolated across once, output rows blended" + (_streaming ? " with streaming stores" : "") + ")" + note;
        }

        /// <summary>Per output: both pixels (times <paramref name="stride"/>) and both weights, 1 − λ rounded to float32 as PyTorch's is.</summary>
        private static (int[], int[], float[], float[]) Table(ResizeAxis axis, int stride)
        {
            var linear = Enumerable.Range(0, axis.Output).Select(axis.Linear).ToArray();
            return (linear.Select(l => l.First * stride).ToArray(), linear.Select(l => l.Second * stride).ToArray(),
                linear.Select(l => 1f - l.Weight).ToArray(), linear.Select(l => l.Weight).ToArray());
        }

        public override string Implementation { get; }

        public override void Run(float** values)
        {
            TensorShape s = Shapes.Input, o = Shapes.Output;
            int inRow = s.Width * s.Channels, outRow = o.Width * o.Channels;
            fixed (float* held = _held)
            {
                for (int n = 0; n < o.Batch; n++)
                {
                    float* image = values[Inputs[0]] + (long)n * s.Height * inRow;
                    float* y = values[Outputs[0]] + (long)n * o.Height * outRow;
                    _heldRow[0] = _heldRow[1] = -1;
                    for (int oy = 0; oy < o.Height; oy++, y += outRow)
                    {
                        float* top = Held(image, held, _top[oy], _bottom[oy]);
                        float* bottom = _bottom[oy] == _top[oy] ? top : Held(image, held, _bottom[oy], _top[oy]);
                        if (_streaming) ChannelVectors.BlendStreaming(top, _topWeight[oy], bottom, _bottomWeight[oy], y, outRow);
                        else ChannelVectors.Blend(top, _topWeight[oy], bottom, _bottomWeight[oy], y, outRow);
                    }
                }
            }
        }

        /// <summary>Input row <paramref name="row"/> interpolated across: held already, or made in the slot that does not hold <paramref name="keep"/>.</summary>
        private float* Held(float* image, float* held, int row, int keep)
        {
            int length = _held.Length / 2;
            if (_heldRow[0] == row) return held;
            if (_heldRow[1] == row) return held + length;
            int slot = _heldRow[0] == keep ? 1 : 0;
            float* target = held + slot * length;
            float* source = image + (long)row * Shapes.Input.Width * Shapes.Input.Channels;
            int c = Shapes.Input.Channels;
            for (int ox = 0; ox < _left.Length; ox++)
                ChannelVectors.Blend(source + _left[ox], _leftWeight[ox], source + _right[ox], _rightWeight[ox], target + ox * c, c);
            _heldRow[slot] = row;
            return target;
        }
    }
}
