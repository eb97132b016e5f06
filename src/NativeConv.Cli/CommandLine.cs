namespace NativeConv.Cli;

/// <summary>
/// `--name value` flags and `--switch`es after a command; a flag the command does not know is an
/// error (a misspelt `--strides` must not be silently ignored).
/// </summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _switches = new(StringComparer.Ordinal);

    public CommandLine(IReadOnlyList<string> args, int start, IReadOnlyCollection<string> valueFlags, IReadOnlyCollection<string> switches)
    {
        for (int i = start; i < args.Count; i++)
        {
            string arg = args[i];
            if (switches.Contains(arg)) _switches.Add(arg);
            else if (valueFlags.Contains(arg))
                _values[arg] = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value");
            else
                throw new ArgumentException($"unknown argument '{arg}' (known: {string.Join(" ", valueFlags.Concat(switches).Order())})");
        }
    }

    public bool Has(string flag) => _switches.Contains(flag) || _values.ContainsKey(flag);

    public string? Get(string flag) => _values.GetValueOrDefault(flag);

    public string Get(string flag, string fallback) => _values.GetValueOrDefault(flag, fallback);

    public string Require(string flag) => _values.TryGetValue(flag, out string? v) ? v : throw new ArgumentException($"{flag} is required");

    public int GetInt(string flag, int fallback) =>
        _values.TryGetValue(flag, out string? v)
            ? int.TryParse(v, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int i) ? i
                : throw new ArgumentException($"{flag} must be an integer, not '{v}'")
            : fallback;
}
