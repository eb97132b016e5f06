using Google.Protobuf;
using Onnx;
using Xunit;
using Xunit.Abstractions;

namespace NativeConv.Onnx.Tests;

/// <summary>
/// 10,000 seeded mutations of small valid models, of their bytes (flips, truncations, insertions, repeated runs) and of
/// their protobuf fields (dims, types, data, attributes, names, op types, opsets, external data): each must load into a
/// model that runs, or be refused with <see cref="OnnxFormatException"/> or <see cref="OnnxNotSupportedException"/>, within
/// 5 s; a model that loads runs once on the reference backend (where its input is small), and fails there only for a
/// size the file leaves symbolic.
/// </summary>
public class FuzzTests(ITestOutputHelper log)
{
    private const int Mutations = 10_000;

    private static readonly ModelProto[] Seeds =
    [
        SmallModels.Classifier().Model,
        MappingCases.All.Single(c => c.Name == "squeeze-excitation").Build().Model,
        MappingCases.All.Single(c => c.Name == "reshape-from-shape-arithmetic").Build().Model,
        MappingCases.All.Single(c => c.Name == "conv-batchnorm-relu").Build().Model,
        MappingCases.All.Single(c => c.Name == "shufflenet-unit-as-exported").Build().Model,
        MappingCases.All.Single(c => c.Name == "resize-bilinear-to-the-input-s-size").Build().Model,
    ];

    private static readonly string[] OpTypes = ["Conv", "Relu", "Clip", "Add", "Mul", "Reshape", "Gemm", "MatMul", "Shape", "Gather", "Concat", "Flatten", "Identity",
        "BatchNormalization", "GlobalAveragePool", "ReduceMean", "Transpose", "Slice", "Unsqueeze", "Squeeze", "HardSigmoid", "Cast", "ConstantOfShape", "Div", "Softmax", "Nope",
        "MaxPool", "AveragePool", "Split", "Resize", "Upsample"];

    [Fact]
    public async Task Mutated_models_load_or_are_refused_with_typed_exceptions()
    {
        // NATIVECONV_FUZZ_SEED explores other mutations; the default is the one CI runs.
        int seed = int.TryParse(Environment.GetEnvironmentVariable("NATIVECONV_FUZZ_SEED"), out int s) ? s : 20261207;
        log.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var outcomes = new Dictionary<string, int>();
        string dir = Directory.CreateTempSubdirectory("nativeconv-onnx-fuzz-").FullName;
        File.WriteAllBytes(Path.Combine(dir, "data.bin"), new byte[64]);
        try
        {
            for (int i = 0; i < Mutations; i++)
            {
                ModelProto start = Seeds[random.Next(Seeds.Length)];
                (byte[] bytes, string what) = random.Next(3) == 0 ? MutateBytes(start.ToByteArray(), random) : MutateFields(start.Clone(), random);
                Task<string> attempt = Task.Run(() => Attempt(bytes, dir));
                Assert.True(await Task.WhenAny(attempt, Task.Delay(TimeSpan.FromSeconds(5))) == attempt, $"mutation {i} ({what}) did not finish within 5 s");
                string outcome = await attempt;
                Assert.False(outcome.StartsWith("FAIL", StringComparison.Ordinal), $"mutation {i} of seed {seed} ({what}): {outcome}");
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        foreach (var (outcome, count) in outcomes.OrderByDescending(p => p.Value)) log.WriteLine($"{count,6}  {outcome}");
        // The run exercised all three ways out, not only the parser's refusal.
        Assert.True(outcomes.GetValueOrDefault("ran") > 200, "too few mutations gave a model that runs");
        Assert.True(outcomes.GetValueOrDefault(nameof(OnnxFormatException)) > 200);
        Assert.True(outcomes.GetValueOrDefault(nameof(OnnxNotSupportedException)) > 200);
    }

    private static string Attempt(byte[] bytes, string dir)
    {
        OnnxModel model;
        try
        {
            model = SmallModels.Load(bytes, dir);
        }
        catch (Exception e) when (e is OnnxFormatException or OnnxNotSupportedException)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
            return e.GetType().Name;
        }
        catch (Exception e)
        {
            return $"FAIL: load threw {e.GetType()}: {e.Message}\n{e.StackTrace}";
        }
        using (model)
        {
            var inputs = new Dictionary<string, OnnxTensor>();
            bool symbolic = false;
            foreach (OnnxTensorInfo input in model.Inputs)
            {
                int[] dims = input.Dimensions.Select(d => d.Size is { } s ? (int)Math.Min(s, int.MaxValue) : 3).ToArray();
                symbolic |= input.Dimensions.Any(d => d.Size is null);
                if (dims.Aggregate(1L, (p, d) => p * d) > 100_000) return "loaded (input too large to run here)";
                inputs[input.Name] = new OnnxTensor(new float[dims.Aggregate(1, (p, d) => p * d)], dims);
            }
            try
            {
                model.Run(inputs);
                return "ran";
            }
            catch (ArgumentException) when (symbolic)
            {
                return "loaded (the sizes chosen for its symbolic dimensions do not fit)";
            }
            catch (Exception e)
            {
                return $"FAIL: a loaded model's call threw {e.GetType()}: {e.Message}\n{e.StackTrace}";
            }
        }
    }

    private static (byte[], string) MutateBytes(byte[] bytes, Random random)
    {
        switch (random.Next(4))
        {
            case 0:
                int flips = random.Next(1, 9);
                for (int k = 0; k < flips; k++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return (bytes, $"{flips} bit flips");
            case 1:
                int keep = random.Next(bytes.Length);
                return (bytes[..keep], $"truncated to {keep} bytes");
            case 2:
                int at = random.Next(bytes.Length);
                var noise = new byte[random.Next(1, 16)];
                random.NextBytes(noise);
                return ([.. bytes[..at], .. noise, .. bytes[at..]], $"{noise.Length} random bytes inserted at {at}");
            default:
                int from = random.Next(bytes.Length), length = random.Next(1, Math.Min(64, bytes.Length - from) + 1);
                return ([.. bytes[..from], .. bytes[from..(from + length)], .. bytes[from..]], $"{length} bytes at {from} repeated");
        }
    }

    private static (byte[], string) MutateFields(ModelProto m, Random random)
    {
        GraphProto g = m.Graph;
        long Wild() => random.Next(8) switch { 0 => -1, 1 => 0, 2 => long.MaxValue, 3 => 1L << 33, _ => random.Next(1, 9) };
        string what;
        switch (random.Next(14))
        {
            case 0:
            {
                TensorProto t = g.Initializer[random.Next(g.Initializer.Count)];
                int k = random.Next(Math.Max(1, t.Dims.Count));
                if (t.Dims.Count > 0) t.Dims[k] = Wild(); else t.Dims.Add(Wild());
                what = $"initializer '{t.Name}' dim {k}";
                break;
            }
            case 1:
            {
                TensorProto t = g.Initializer[random.Next(g.Initializer.Count)];
                t.DataType = random.Next(0, 20);
                what = $"initializer '{t.Name}' type {t.DataType}";
                break;
            }
            case 2:
            {
                TensorProto t = g.Initializer[random.Next(g.Initializer.Count)];
                var data = new byte[random.Next(0, 64)];
                random.NextBytes(data);
                t.RawData = ByteString.CopyFrom(data);
                what = $"initializer '{t.Name}' raw data of {data.Length} bytes";
                break;
            }
            case 3:
            {
                NodeProto n = g.Node[random.Next(g.Node.Count)];
                if (n.Attribute.Count == 0) goto case 4;
                AttributeProto a = n.Attribute[random.Next(n.Attribute.Count)];
                if (a.Ints.Count > 0) a.Ints[random.Next(a.Ints.Count)] = Wild();
                else if (random.Next(2) == 0) a.I = Wild();
                else a.F = random.Next(3) switch { 0 => float.NaN, 1 => float.PositiveInfinity, _ => (float)random.NextDouble() * 10 - 5 };
                what = $"attribute '{a.Name}' of '{n.Name}'";
                break;
            }
            case 4:
            {
                NodeProto n = g.Node[random.Next(g.Node.Count)];
                n.OpType = OpTypes[random.Next(OpTypes.Length)];
                what = $"'{n.Name}' made a {n.OpType}";
                break;
            }
            case 5:
            {
                NodeProto n = g.Node[random.Next(g.Node.Count)];
                if (n.Input.Count == 0) goto case 6;
                var names = g.Node.SelectMany(x => x.Output).Concat(g.Initializer.Select(t => t.Name)).Concat(g.Input.Select(x => x.Name)).Append("").Append("nowhere").ToList();
                int k = random.Next(n.Input.Count);
                n.Input[k] = names[random.Next(names.Count)];
                what = $"input {k} of '{n.Name}' now '{n.Input[k]}'";
                break;
            }
            case 6:
            {
                int k = random.Next(g.Node.Count);
                what = $"node '{g.Node[k].Name}' removed";
                g.Node.RemoveAt(k);
                break;
            }
            case 7:
            {
                NodeProto n = g.Node[random.Next(g.Node.Count)];
                g.Node.Add(n.Clone());
                what = $"node '{n.Name}' twice";
                break;
            }
            case 8:
                m.OpsetImport[0].Version = random.Next(1, 25);
                what = $"opset {m.OpsetImport[0].Version}";
                break;
            case 9:
            {
                TensorShapeProto shape = g.Input[0].Type.TensorType.Shape;
                int k = random.Next(shape.Dim.Count);
                shape.Dim[k] = random.Next(2) == 0 ? new TensorShapeProto.Types.Dimension { DimValue = Wild() } : new TensorShapeProto.Types.Dimension { DimParam = "S" };
                what = $"input dim {k}";
                break;
            }
            case 10:
                g.Input[0].Type.TensorType.ElemType = random.Next(0, 20);
                what = $"input type {g.Input[0].Type.TensorType.ElemType}";
                break;
            case 11:
            {
                TensorProto t = g.Initializer[random.Next(g.Initializer.Count)];
                t.ClearRawData();
                t.FloatData.Clear();
                t.Int64Data.Clear();
                t.DataLocation = TensorProto.Types.DataLocation.External;
                t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = random.Next(3) switch { 0 => "data.bin", 1 => "missing.bin", _ => "../data.bin" } });
                t.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = random.Next(3) == 0 ? "x" : Wild().ToString() });
                what = $"initializer '{t.Name}' external";
                break;
            }
            case 12:
                g.Output[0].Name = random.Next(2) == 0 ? "nowhere" : g.Node[random.Next(g.Node.Count)].Output[0];
                what = $"output now '{g.Output[0].Name}'";
                break;
            default:
            {
                NodeProto n = g.Node[random.Next(g.Node.Count)];
                n.Attribute.Add(ModelBuilder.Attribute(random.Next(3) switch { 0 => "pads", 1 => "axes", _ => "perm" }, new long[] { Wild(), Wild() }));
                what = $"an attribute added to '{n.Name}'";
                break;
            }
        }
        return (m.ToByteArray(), what);
    }
}
