using System.Globalization;

namespace NativeConv.PlanRace;

/// <summary>The command line of one racing process.</summary>
internal sealed record RaceOptions(string Directory, int Rounds, string Name, string Other, string Writer, int Seed)
{
    public const string Usage =
        "usage: NativeConv.PlanRace --dir D --rounds N --name A --other B [--writer library|in-place] [--seed S]\n" +
        "  round r: both processes meet, then each makes the first call of a new network on plan directory D/round-r\n" +
        "  (library), or writes the plan file there in place until the other has made its call (in-place, the control)";

    public static RaceOptions Parse(string[] args)
    {
        string? directory = null, name = null, other = null, writer = "library";
        int rounds = 0, seed = 1;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value\n{Usage}");
            switch (args[i])
            {
                case "--dir": directory = Value(); break;
                case "--rounds": rounds = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--name": name = Value(); break;
                case "--other": other = Value(); break;
                case "--writer": writer = Value(); break;
                case "--seed": seed = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'\n{Usage}");
            }
        }
        if (directory is null || name is null || other is null || rounds < 1 || name == other || writer is not ("library" or "in-place"))
            throw new ArgumentException($"--dir, --rounds >= 1 and two different --name and --other are needed; --writer is library or in-place\n{Usage}");
        return new RaceOptions(directory, rounds, name, other, writer, seed);
    }
}
