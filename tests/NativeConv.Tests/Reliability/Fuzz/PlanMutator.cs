using System.Text;
using System.Text.Json.Nodes;

namespace NativeConv.Tests;

/// <summary>
/// Mutated copies of a plan file's JSON: half of them edit the document as JSON (a property removed, nulled, added or
/// given a value of another type or out of range; an enum, a backend name, a shape, the format; an array emptied,
/// shortened or lengthened), so most still parse and reach the checks that decide whether a plan fits; the rest edit
/// the text (cut short, a character changed, a span deleted or repeated, nesting, a byte order mark, another document).
/// </summary>
internal static class PlanMutator
{
    public static (string Text, string What) Next(string json, Random r) => r.Next(2) == 0 ? Structure(json, r) : Text(json, r);

    private static (string, string) Structure(string json, Random r)
    {
        JsonNode root = JsonNode.Parse(json)!;
        var nodes = new List<(JsonNode? Parent, string? Property, int Index, string Path)>();
        Walk(root, null, null, -1, "$", nodes);
        var (parent, property, index, path) = nodes[r.Next(1, nodes.Count)]; // never the root itself
        JsonNode? current = property is not null ? parent![property] : parent!.AsArray()[index];
        switch (r.Next(6))
        {
            case 0:
                if (property is not null) parent!.AsObject().Remove(property);
                else parent!.AsArray().RemoveAt(index);
                return (root.ToJsonString(), $"{path} removed");
            case 1:
                Set(parent!, property, index, null);
                return (root.ToJsonString(), $"{path} = null");
            case 2:
                JsonNode? value = Value(current, r);
                Set(parent!, property, index, value);
                return (root.ToJsonString(), $"{path} = {value?.ToJsonString() ?? "null"}");
            case 3:
                if (current is JsonArray array)
                {
                    switch (r.Next(3))
                    {
                        case 0: array.Clear(); return (root.ToJsonString(), $"{path} emptied");
                        case 1:
                            if (array.Count > 0) array.RemoveAt(r.Next(array.Count));
                            return (root.ToJsonString(), $"{path} one element shorter");
                        default:
                            int copies = r.Next(2) == 0 ? 1 : 1000;
                            JsonNode? first = array.Count > 0 ? array[0] : JsonValue.Create(0);
                            for (int c = 0; c < copies; c++) array.Add(first?.DeepClone());
                            return (root.ToJsonString(), $"{path} {copies} element(s) longer");
                    }
                }
                goto case 2;
            case 4:
                JsonObject? target = current as JsonObject ?? parent as JsonObject;
                if (target is null) goto case 2;
                string name = new[] { "unknown", "Format", "chosen", "sourceFile", "$type", "" }[r.Next(6)];
                if (target.ContainsKey(name)) target.Remove(name);
                target.Add(name, Value(null, r));
                return (root.ToJsonString(), $"{target.GetPath()}.{name} added");
            default:
                // The fields that decide whether a plan fits, given values a file could hold.
                var obj = root.AsObject();
                string field = new[] { "format", "layout", "machine", "versions", "network" }[r.Next(5)];
                JsonNode? chosen = field switch
                {
                    "format" => new JsonNode?[] { 2, 4, "3", 3.0, 3.5, -1, int.MaxValue, 1e300 }[r.Next(8)],
                    "layout" => new JsonNode?[] { "Nhwc", "nchw", "NHWC", "Bogus", "", 1, 7, -1 }[r.Next(8)],
                    _ => new JsonNode?[] { "", " ", "x", new string('x', 100_000), "\u0000", obj[field]!.GetValue<string>() + " " }[r.Next(6)],
                };
                obj[field] = chosen;
                return (root.ToJsonString(), $"$.{field} = {Shorten(chosen?.ToJsonString())}");
        }
    }

    private static void Walk(JsonNode? node, JsonNode? parent, string? property, int index, string path, List<(JsonNode?, string?, int, string)> nodes)
    {
        nodes.Add((parent, property, index, path));
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o.ToList()) Walk(child, o, key, -1, $"{path}.{key}", nodes);
                break;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++) Walk(a[i], a, null, i, $"{path}[{i}]", nodes);
                break;
        }
    }

    private static void Set(JsonNode parent, string? property, int index, JsonNode? value)
    {
        if (property is not null) parent[property] = value;
        else parent.AsArray()[index] = value;
    }

    /// <summary>A value of another type, or of the same type out of range, in place of <paramref name="current"/>.</summary>
    private static JsonNode? Value(JsonNode? current, Random r)
    {
        string[] backends = ["onednn", "xnnpack", "reference", "floatloop", "auto", "nope", "", " ", "ONEDNN"];
        string[] enums = ["AllAtOnce", "ImagesAcrossThreads", "allAtOnce", "Nchw", "Nhwc", "Bogus", "7"];
        return r.Next(9) switch
        {
            0 => new[] { 0, -1, 1, 2, 13, int.MaxValue, int.MinValue }[r.Next(7)],
            1 => new[] { 0.5, -0.0, 1e308, -1e308, 4e9, 1e-320 }[r.Next(6)],
            2 => backends[r.Next(backends.Length)],
            3 => enums[r.Next(enums.Length)],
            4 => r.Next(2) == 0,
            5 => new JsonArray(),
            6 => new JsonObject(),
            7 => current is JsonValue v && v.TryGetValue(out int n) ? n + (r.Next(2) == 0 ? 1 : -1) : (JsonNode)"x",
            _ => new JsonObject { ["batch"] = r.Next(-1, 3), ["channels"] = 24, ["height"] = 13, ["width"] = r.Next(2) == 0 ? 13 : 0 },
        };
    }

    private static (string, string) Text(string json, Random r)
    {
        switch (r.Next(8))
        {
            case 0:
                int cut = r.Next(json.Length);
                return (json[..cut], $"cut to {cut} of {json.Length} characters");
            case 1:
                int at = r.Next(json.Length);
                const string Characters = "{}[]\":,0x-.\\ \u00e9\u4e2d";
                char c = Characters[r.Next(Characters.Length)];
                return (json[..at] + c + json[(at + 1)..], $"character {at} ('{json[at]}') -> U+{(int)c:X4}");
            case 2:
                int start = r.Next(json.Length), length = r.Next(1, Math.Min(200, json.Length - start) + 1);
                return (json.Remove(start, length), $"{length} characters deleted at {start}");
            case 3:
                int from = r.Next(json.Length), count = r.Next(1, Math.Min(200, json.Length - from) + 1);
                return (json.Insert(from, json.Substring(from, count)), $"{count} characters repeated at {from}");
            case 4:
                int depth = new[] { 10, 63, 64, 65, 100_000 }[r.Next(5)];
                return (new string('[', depth) + new string(']', depth), $"arrays nested {depth} deep");
            case 5:
                string other = new[] { "", "null", "[]", "{}", "\"plan\"", "1", "true", " " }[r.Next(8)];
                return (other, $"the document '{other}'");
            case 6:
                return r.Next(3) switch
                {
                    0 => ("\uFEFF" + json, "a byte order mark before"),
                    1 => (json + json, "the document twice"),
                    _ => (json + "\u0000garbage", "garbage after"),
                };
            default:
                var sb = new StringBuilder(json);
                int flips = r.Next(1, 6);
                for (int f = 0; f < flips; f++) sb[r.Next(sb.Length)] = (char)r.Next(32, 127);
                return (sb.ToString(), $"{flips} random printable characters");
        }
    }

    private static string Shorten(string? text) => text is null ? "null" : text.Length > 40 ? text[..40] + $"... ({text.Length} characters)" : text;
}
