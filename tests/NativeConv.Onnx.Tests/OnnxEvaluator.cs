using Onnx;

namespace NativeConv.Onnx.Tests;

/// <summary>
/// The tests' oracle: an ONNX graph evaluated node by node in double straight from the operators' definitions (the
/// ONNX specification), in the file's order, never through the importer's folding, fusion or lowering. Covers the
/// operators the tests' models use.
/// </summary>
internal static partial class OnnxEvaluator
{
    public static Dictionary<string, DoubleTensor> Run(ModelProto model, IReadOnlyDictionary<string, DoubleTensor> inputs)
    {
        var values = new Dictionary<string, DoubleTensor>(inputs);
        foreach (TensorProto t in model.Graph.Initializer) values[t.Name] = Read(t);
        long opset = model.OpsetImport.First(o => o.Domain == "").Version;
        foreach (NodeProto node in model.Graph.Node)
        {
            DoubleTensor?[] x = node.Input.Select(i => i.Length == 0 ? null : values[i]).ToArray();
            DoubleTensor[] y = Evaluate(node, x, opset);
            for (int k = 0; k < y.Length && k < node.Output.Count; k++) values[node.Output[k]] = y[k];
        }
        return model.Graph.Output.ToDictionary(o => o.Name, o => values[o.Name]);
    }

    private static DoubleTensor Read(TensorProto t)
    {
        long[] dims = t.Dims.ToArray();
        double[] v = t.DataType switch
        {
            (int)TensorProto.Types.DataType.Float when t.RawData.Length > 0 => Enumerable.Range(0, t.RawData.Length / 4).Select(i => (double)BitConverter.ToSingle(t.RawData.Span[(4 * i)..])).ToArray(),
            (int)TensorProto.Types.DataType.Float => t.FloatData.Select(f => (double)f).ToArray(),
            (int)TensorProto.Types.DataType.Int64 when t.RawData.Length > 0 => Enumerable.Range(0, t.RawData.Length / 8).Select(i => (double)BitConverter.ToInt64(t.RawData.Span[(8 * i)..])).ToArray(),
            (int)TensorProto.Types.DataType.Int64 => t.Int64Data.Select(f => (double)f).ToArray(),
            _ => throw new NotSupportedException($"evaluator: tensor type {t.DataType}"),
        };
        return new DoubleTensor(dims, v, t.DataType == (int)TensorProto.Types.DataType.Int64);
    }

    private static AttributeProto? A(NodeProto n, string name) => n.Attribute.FirstOrDefault(a => a.Name == name);

    private static long I(NodeProto n, string name, long fallback) => A(n, name)?.I ?? fallback;

    private static float F(NodeProto n, string name, float fallback) => A(n, name) is { } a ? a.F : fallback;

    private static long[]? Ints(NodeProto n, string name) => A(n, name)?.Ints.ToArray();

    private static DoubleTensor[] Evaluate(NodeProto n, DoubleTensor?[] x, long opset)
    {
        switch (n.OpType)
        {
            case "Conv": return [Conv(n, x[0]!, x[1]!, x.Length > 2 ? x[2] : null)];
            case "ConvTranspose": return [ConvTranspose(n, x[0]!, x[1]!, x.Length > 2 ? x[2] : null)];
            case "BatchNormalization":
            {
                double eps = F(n, "epsilon", 1e-5f);
                return [PerChannel(x[0]!, (c, v) => x[1]!.Values[c] * (v - x[3]!.Values[c]) / Math.Sqrt(x[4]!.Values[c] + eps) + x[2]!.Values[c])];
            }
            case "Relu": return [Map(x[0]!, v => Math.Max(v, 0))];
            case "Clip":
            {
                double lo = x.Length > 1 && x[1] is { } a ? a.Values[0] : double.NegativeInfinity, hi = x.Length > 2 && x[2] is { } b ? b.Values[0] : double.PositiveInfinity;
                return [Map(x[0]!, v => Math.Min(Math.Max(v, lo), hi))];
            }
            case "HardSigmoid":
            {
                double alpha = F(n, "alpha", 0.2f), beta = F(n, "beta", 0.5f);
                return [Map(x[0]!, v => Math.Max(0, Math.Min(1, alpha * v + beta)))];
            }
            case "HardSwish": return [Map(x[0]!, v => v * Math.Max(0, Math.Min(1, v / 6 + 0.5)))];
            case "Sigmoid": return [Map(x[0]!, v => 1 / (1 + Math.Exp(-v)))];
            case "Tanh": return [Map(x[0]!, Math.Tanh)];
            case "Erf": return [Map(x[0]!, NativeConv.Testing.ReferenceFunctions.Erf)];
            case "Add": return [Binary(x[0]!, x[1]!, (a, b) => a + b)];
            case "Sub": return [Binary(x[0]!, x[1]!, (a, b) => a - b)];
            case "Mul": return [Binary(x[0]!, x[1]!, (a, b) => a * b)];
            case "Div": return [Binary(x[0]!, x[1]!, x[0]!.Integer && x[1]!.Integer ? (a, b) => Math.Truncate(a / b) : (a, b) => a / b)];
            case "GlobalAveragePool": return [Mean(x[0]!, [2, 3], true)];
            case "ReduceMean":
            {
                long[] axes = opset >= 18 ? x[1]!.Values.Select(v => (long)v).ToArray() : Ints(n, "axes")!;
                return [Mean(x[0]!, axes.Select(a => a < 0 ? a + x[0]!.Dims.Length : a).ToArray(), I(n, "keepdims", 1) != 0)];
            }
            case "Flatten":
            {
                long axis = I(n, "axis", 1);
                long[] d = x[0]!.Dims;
                return [x[0]! with { Dims = [d.Take((int)axis).Aggregate(1L, (p, v) => p * v), d.Skip((int)axis).Aggregate(1L, (p, v) => p * v)] }];
            }
            case "Reshape":
            {
                long[] target = x[1]!.Values.Select(v => (long)v).ToArray();
                for (int i = 0; i < target.Length; i++) if (target[i] == 0) target[i] = x[0]!.Dims[i];
                int free = Array.IndexOf(target, -1L);
                if (free >= 0) target[free] = x[0]!.Count / target.Where(v => v != -1).Aggregate(1L, (p, v) => p * v);
                return [x[0]! with { Dims = target }];
            }
            case "Squeeze":
            {
                long[] axes = opset >= 13 ? x[1]!.Values.Select(v => (long)v).ToArray() : Ints(n, "axes")!;
                var drop = axes.Select(a => a < 0 ? a + x[0]!.Dims.Length : a).ToHashSet();
                return [x[0]! with { Dims = x[0]!.Dims.Where((_, i) => !drop.Contains(i)).ToArray() }];
            }
            case "Unsqueeze":
            {
                long[] axes = opset >= 13 ? x[1]!.Values.Select(v => (long)v).ToArray() : Ints(n, "axes")!;
                int rank = x[0]!.Dims.Length + axes.Length;
                var add = axes.Select(a => a < 0 ? a + rank : a).ToHashSet();
                var dims = new List<long>();
                for (int i = 0, j = 0; i < rank; i++) dims.Add(add.Contains(i) ? 1 : x[0]!.Dims[j++]);
                return [x[0]! with { Dims = dims.ToArray() }];
            }
            case "Gemm":
            {
                DoubleTensor b = I(n, "transB", 0) != 0 ? Transpose(x[1]!, [1, 0]) : x[1]!;
                DoubleTensor y = MatMul(x[0]!, b, F(n, "alpha", 1));
                return [x.Length > 2 && x[2] is { } c ? Binary(y, Map(c, v => v * F(n, "beta", 1)), (p, q) => p + q) : y];
            }
            case "MatMul": return [MatMul(x[0]!, x[1]!, 1)];
            case "Identity" or "Dropout": return [x[0]!];
            case "Shape": return [new DoubleTensor([x[0]!.Dims.Length], x[0]!.Dims.Select(d => (double)d).ToArray(), Integer: true)];
            case "Gather":
            {
                // Rank-1 data (shape vectors), scalar or 1-D indices: what the tests' shape arithmetic uses.
                double[] picks = x[1]!.Values.Select(i => x[0]!.Values[(int)(i < 0 ? i + x[0]!.Dims[0] : i)]).ToArray();
                return [new DoubleTensor(x[1]!.Dims, picks, x[0]!.Integer)];
            }
            case "Concat": return [Concat(x.Select(t => t!).ToArray(), I(n, "axis", 0))];
            case "Split": return Split(n, x[0]!, x.Length > 1 ? x[1] : null, opset);
            case "Slice": return [Slice(x[0]!, x[1]!, x[2]!, x.Length > 3 ? x[3] : null, x.Length > 4 ? x[4] : null)];
            case "MaxPool" or "AveragePool": return [Pool(n, x[0]!)];
            case "Resize": return [Resize(n, x[0]!, x.Length > 2 ? x[2] : null, x.Length > 3 ? x[3] : null)];
            case "Upsample": return [Upsample(n, x[0]!, x.Length > 1 ? x[1] : null)];
            case "Cast":
            {
                long to = I(n, "to", 1);
                bool integer = to == (int)TensorProto.Types.DataType.Int64;
                return [Map(x[0]!, v => to == (int)TensorProto.Types.DataType.Float ? (float)v : integer ? Math.Truncate(v) : v) with { Integer = integer }];
            }
            case "Constant": return [Read(A(n, "value")!.T)];
            case "ConstantOfShape":
            {
                long[] dims = x[0]!.Values.Select(v => (long)v).ToArray();
                double fill = A(n, "value") is { } a ? Read(a.T).Values[0] : 0;
                return [new DoubleTensor(dims, Enumerable.Repeat(fill, (int)dims.Aggregate(1L, (p, v) => p * v)).ToArray())];
            }
            case "Transpose": return [Transpose(x[0]!, Ints(n, "perm")!)];
            case "Pad":
            {
                long[] pads = x[1]!.Values.Select(v => (long)v).ToArray();
                return [Pad(x[0]!, pads)];
            }
            default: throw new NotSupportedException($"evaluator: {n.OpType}");
        }
    }

    private static DoubleTensor Map(DoubleTensor x, Func<double, double> f) => x with { Values = x.Values.Select(f).ToArray() };

    /// <summary>f(c, v) over an (N, C, ...) tensor.</summary>
    private static DoubleTensor PerChannel(DoubleTensor x, Func<int, double, double> f)
    {
        long inner = x.Dims.Skip(2).Aggregate(1L, (p, v) => p * v), c = x.Dims[1];
        return x with { Values = x.Values.Select((v, i) => f((int)(i / inner % c), v)).ToArray() };
    }

    private static DoubleTensor Binary(DoubleTensor a, DoubleTensor b, Func<double, double, double> f)
    {
        int rank = Math.Max(a.Dims.Length, b.Dims.Length);
        long[] da = [.. Enumerable.Repeat(1L, rank - a.Dims.Length), .. a.Dims], db = [.. Enumerable.Repeat(1L, rank - b.Dims.Length), .. b.Dims];
        long[] dims = da.Zip(db, Math.Max).ToArray();
        long count = dims.Aggregate(1L, (p, v) => p * v);
        var values = new double[count];
        var index = new long[rank];
        for (long i = 0; i < count; i++)
        {
            long ia = 0, ib = 0;
            for (int k = 0; k < rank; k++)
            {
                ia = ia * da[k] + (da[k] == 1 ? 0 : index[k]);
                ib = ib * db[k] + (db[k] == 1 ? 0 : index[k]);
            }
            values[i] = f(a.Values[ia], b.Values[ib]);
            for (int k = rank - 1; k >= 0 && ++index[k] == dims[k]; k--) index[k] = 0;
        }
        return new DoubleTensor(dims, values, a.Integer && b.Integer);
    }

    private static DoubleTensor Mean(DoubleTensor x, long[] axes, bool keep)
    {
        // (N, C, H, W) over H and W: the only reduction the models use.
        if (!axes.Order().SequenceEqual([2L, 3L])) throw new NotSupportedException("evaluator: ReduceMean over other axes");
        long n = x.Dims[0], c = x.Dims[1], hw = x.Dims[2] * x.Dims[3];
        var values = new double[n * c];
        for (long i = 0; i < n * c; i++) values[i] = x.Values.Skip((int)(i * hw)).Take((int)hw).Sum() / hw;
        return new DoubleTensor(keep ? [n, c, 1, 1] : [n, c], values);
    }

    private static DoubleTensor MatMul(DoubleTensor a, DoubleTensor b, double alpha)
    {
        long n = a.Dims[0], k = a.Dims[1], m = b.Dims[1];
        var values = new double[n * m];
        for (long i = 0; i < n; i++)
            for (long j = 0; j < m; j++)
            {
                double s = 0;
                for (long t = 0; t < k; t++) s += a.Values[i * k + t] * b.Values[t * m + j];
                values[i * m + j] = alpha * s;
            }
        return new DoubleTensor([n, m], values);
    }

    private static DoubleTensor Transpose(DoubleTensor x, long[] perm)
    {
        long[] dims = perm.Select(p => x.Dims[p]).ToArray();
        long[] strides = new long[x.Dims.Length];
        for (int i = x.Dims.Length - 1, s = 1; i >= 0; s *= (int)x.Dims[i], i--) strides[i] = s;
        long count = x.Count;
        var values = new double[count];
        var index = new long[dims.Length];
        for (long i = 0; i < count; i++)
        {
            long from = 0;
            for (int k = 0; k < dims.Length; k++) from += index[k] * strides[perm[k]];
            values[i] = x.Values[from];
            for (int k = dims.Length - 1; k >= 0 && ++index[k] == dims[k]; k--) index[k] = 0;
        }
        return new DoubleTensor(dims, values);
    }

    private static DoubleTensor Pad(DoubleTensor x, long[] pads)
    {
        long n = x.Dims[0], c = x.Dims[1], h = x.Dims[2], w = x.Dims[3];
        long top = pads[2], left = pads[3], H = h + top + pads[6], W = w + left + pads[7];
        var values = new double[n * c * H * W];
        for (long i = 0; i < n * c; i++)
            for (long y = 0; y < h; y++)
                for (long z = 0; z < w; z++)
                    values[(i * H + y + top) * W + z + left] = x.Values[(i * h + y) * w + z];
        return new DoubleTensor([n, c, H, W], values);
    }

    private static DoubleTensor Conv(NodeProto n, DoubleTensor x, DoubleTensor w, DoubleTensor? b)
    {
        long N = x.Dims[0], C = x.Dims[1], H = x.Dims[2], W = x.Dims[3], M = w.Dims[0], kh = w.Dims[2], kw = w.Dims[3];
        long g = I(n, "group", 1);
        long[] s = Ints(n, "strides") ?? [1, 1], d = Ints(n, "dilations") ?? [1, 1], p = Ints(n, "pads") ?? [0, 0, 0, 0];
        string auto = A(n, "auto_pad")?.S.ToStringUtf8() ?? "NOTSET";
        long ekh = (kh - 1) * d[0] + 1, ekw = (kw - 1) * d[1] + 1;
        if (auto is "SAME_UPPER" or "SAME_LOWER")
        {
            long oh0 = (H + s[0] - 1) / s[0], ow0 = (W + s[1] - 1) / s[1];
            long th = Math.Max((oh0 - 1) * s[0] + ekh - H, 0), tw = Math.Max((ow0 - 1) * s[1] + ekw - W, 0);
            p = auto == "SAME_UPPER" ? [th / 2, tw / 2, th - th / 2, tw - tw / 2] : [th - th / 2, tw - tw / 2, th / 2, tw / 2];
        }
        else if (auto == "VALID") p = [0, 0, 0, 0];
        long OH = (H + p[0] + p[2] - ekh) / s[0] + 1, OW = (W + p[1] + p[3] - ekw) / s[1] + 1;
        long cg = C / g, mg = M / g;
        var y = new double[N * M * OH * OW];
        for (long i = 0; i < N; i++)
            for (long m = 0; m < M; m++)
                for (long oy = 0; oy < OH; oy++)
                    for (long ox = 0; ox < OW; ox++)
                    {
                        double sum = b?.Values[m] ?? 0;
                        long group = m / mg;
                        for (long c = 0; c < cg; c++)
                            for (long ky = 0; ky < kh; ky++)
                                for (long kx = 0; kx < kw; kx++)
                                {
                                    long iy = oy * s[0] - p[0] + ky * d[0], ix = ox * s[1] - p[1] + kx * d[1];
                                    if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                                    sum += w.Values[((m * cg + c) * kh + ky) * kw + kx] * x.Values[((i * C + group * cg + c) * H + iy) * W + ix];
                                }
                        y[((i * M + m) * OH + oy) * OW + ox] = sum;
                    }
        return new DoubleTensor([N, M, OH, OW], y);
    }

    /// <summary>Scattered from the definition: input pixel (iy, ix) adds w·x at output (iy·s − pad_begin + ky·d, ...), the output cropped and output-padded.</summary>
    private static DoubleTensor ConvTranspose(NodeProto n, DoubleTensor x, DoubleTensor w, DoubleTensor? b)
    {
        long N = x.Dims[0], C = x.Dims[1], H = x.Dims[2], W = x.Dims[3], g = I(n, "group", 1), mg = w.Dims[1], M = mg * g, kh = w.Dims[2], kw = w.Dims[3];
        long[] s = Ints(n, "strides") ?? [1, 1], d = Ints(n, "dilations") ?? [1, 1], p = Ints(n, "pads") ?? [0, 0, 0, 0], op = Ints(n, "output_padding") ?? [0, 0];
        long OH = (H - 1) * s[0] - p[0] - p[2] + (kh - 1) * d[0] + 1 + op[0], OW = (W - 1) * s[1] - p[1] - p[3] + (kw - 1) * d[1] + 1 + op[1];
        long cg = C / g;
        var y = new double[N * M * OH * OW];
        for (long i = 0; i < N; i++)
            for (long m = 0; m < M; m++)
                for (long o = 0; o < OH * OW; o++) y[(i * M + m) * OH * OW + o] = b?.Values[m] ?? 0;
        for (long i = 0; i < N; i++)
            for (long c = 0; c < C; c++)
                for (long iy = 0; iy < H; iy++)
                    for (long ix = 0; ix < W; ix++)
                        for (long j = 0; j < mg; j++)
                            for (long ky = 0; ky < kh; ky++)
                                for (long kx = 0; kx < kw; kx++)
                                {
                                    long oy = iy * s[0] - p[0] + ky * d[0], ox = ix * s[1] - p[1] + kx * d[1];
                                    if (oy < 0 || oy >= OH || ox < 0 || ox >= OW) continue;
                                    long m = c / cg * mg + j;
                                    y[((i * M + m) * OH + oy) * OW + ox] += w.Values[((c * mg + j) * kh + ky) * kw + kx] * x.Values[((i * C + c) * H + iy) * W + ix];
                                }
        return new DoubleTensor([N, M, OH, OW], y);
    }
}
