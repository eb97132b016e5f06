using System.Diagnostics;
using System.Text.Json;
using NativeConv;
using NativeConv.PlanRace;

// One process of a plan directory race (see RaceOptions.Usage). Prints one JSON line, RaceResult; exit 2 on bad arguments.
RaceOptions options;
try
{
    options = RaceOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

// MobileNet v3-small (seeded weights) at 3x40x40 on auto over both native libraries, one thread, no planning budget:
// a round is the first call of a new network, which reads the shape's plan file or measures and writes one.
using var backends = NativeConvBuilder.BuiltIn().Configure(o => o.Threads = 1).Build();
IReadOnlyList<NetworkBlock> blocks = MobileNets.Blocks(MobileNetModel.V3Small, new RandomStateDict(7));
const int Size = 40;
var input = new float[3 * Size * Size];
var random = new Random(3);
for (int i = 0; i < input.Length; i++) input[i] = random.NextSingle() * 2 - 1;
NetworkOptions Options(string directory) => new()
{
    Candidates = [OneDnnBackend.BackendName, XnnpackBackend.BackendName], Threads = 1, PlanningBudget = TimeSpan.Zero, PlanDirectory = directory,
};

// The first call of a network on a plan directory: what it read there.
(string Outcome, string? Problem, string? File) FirstCall(string directory)
{
    using var network = new ConvNetwork(blocks, backends, Options(directory));
    var output = new float[network.OutputShape(new TensorShape(1, 3, Size, Size)).Length];
    network.Forward(input, output, 1, Size, Size);
    NetworkPlan plan = network.PlanFor(1, Size, Size)!;
    if (network.PlanFileProblem is { } problem) return ("unreadable", problem, null);
    return plan.SourceFile is { } file ? ("followed", null, file) : ("measured", null, null);
}

var race = new Race(options);
var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
var problems = new List<string>();
var jitter = new Random(options.Seed);
var clock = Stopwatch.StartNew();
double lastRoundMs = 0;

// The in-place writer writes the plan a network of its own measured, under the name the library gives the shape's file.
string? planName = null, planText = null;
if (options.Writer == "in-place")
{
    string own = Path.Combine(options.Directory, $"own-{options.Name}");
    FirstCall(own);
    string file = Directory.GetFiles(own).Single();
    (planName, planText) = (Path.GetFileName(file), File.ReadAllText(file));
}

for (int round = 0; round < options.Rounds; round++)
{
    string directory = Path.Combine(options.Directory, $"round-{round}");
    race.Meet(round);
    if (options.Writer == "library")
    {
        // Started at a random point within about twice the previous round's length: the other process's read may come
        // before this one's write, during it, or after it.
        Thread.Sleep(jitter.Next((int)(2 * lastRoundMs) + 1));
        var roundClock = Stopwatch.StartNew();
        var (outcome, problem, _) = FirstCall(directory);
        lastRoundMs = roundClock.Elapsed.TotalMilliseconds;
        counts[outcome] = counts.GetValueOrDefault(outcome) + 1;
        if (problem is not null) problems.Add($"round {round}: {problem}");
        race.Done(round);
    }
    else
    {
        // The control: the same plan written in place, as a writer without the temporary file and rename would, again
        // and again until the other process has made its first call: a reader can find the file cut short.
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, planName!);
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(planText!);
        int writes = 0;
        while (!race.OtherDone(round))
        {
            using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
            {
                stream.Write(bytes, 0, bytes.Length / 2);
                stream.Flush(flushToDisk: true);
                stream.Write(bytes, bytes.Length / 2, bytes.Length - bytes.Length / 2);
                stream.Flush(flushToDisk: true);
            }
            writes++;
            race.CheckTime(round);
        }
        counts["written in place"] = counts.GetValueOrDefault("written in place") + writes;
    }
}
Console.WriteLine(JsonSerializer.Serialize(new RaceResult(options.Name, options.Writer, options.Rounds, counts, problems, Math.Round(clock.Elapsed.TotalSeconds, 2))));
return 0;
