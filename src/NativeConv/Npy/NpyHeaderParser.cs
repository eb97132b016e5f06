using System.Globalization;

namespace NativeConv.Npy;

/// <summary>
/// Parses a <c>.npy</c> header: a Python dict literal such as
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }</c>. This parses exactly the
/// literal subset NumPy writes (quoted strings, True/False, tuples of integers), nothing more.
/// </summary>
internal sealed class NpyHeaderParser
{
    private readonly string _text;
    private readonly NpySource _source;
    private int _at;

    private NpyHeaderParser(string text, NpySource source)
    {
        _text = text;
        _source = source;
    }

    public static NpyHeader Parse(string text, NpySource source)
    {
        Dictionary<string, object> dict = new NpyHeaderParser(text, source).ParseDict();
        object Require(string key) => dict.TryGetValue(key, out object? v) ? v
            : throw source.Problem($"header has no '{key}' key: {text.Trim()}");
        if (Require("descr") is not string descr) throw source.Problem("header 'descr' is not a string (structured dtypes are not supported)");
        if (descr.Length == 0) throw source.Problem("header 'descr' is empty");
        if (Require("fortran_order") is not bool fortran) throw source.Problem("header 'fortran_order' is not True or False");
        if (Require("shape") is not List<long> dims) throw source.Problem("header 'shape' is not a tuple of integers");
        var shape = new int[dims.Count];
        for (int i = 0; i < dims.Count; i++)
            shape[i] = dims[i] is >= 0 and <= int.MaxValue ? (int)dims[i]
                : throw source.Problem($"shape dimension {i} is {dims[i]}; it must be between 0 and {int.MaxValue}");
        return new NpyHeader(descr, fortran, shape);
    }

    private Dictionary<string, object> ParseDict()
    {
        var dict = new Dictionary<string, object>(StringComparer.Ordinal);
        Expect('{');
        while (true)
        {
            SkipSpace();
            if (Peek() == '}') { _at++; break; }
            string key = ParseString();
            Expect(':');
            dict[key] = ParseValue();
            SkipSpace();
            if (Peek() == ',') _at++;
            else if (Peek() != '}') throw Error("',' or '}'");
        }
        SkipSpace();
        if (_at != _text.Length) throw Error("end of header");
        return dict;
    }

    private object ParseValue()
    {
        SkipSpace();
        char c = Peek();
        if (c is '\'' or '"') return ParseString();
        if (c == '(') return ParseTuple();
        if (Take("True")) return true;
        if (Take("False")) return false;
        throw Error("a string, True, False or a tuple");
    }

    private List<long> ParseTuple()
    {
        Expect('(');
        var items = new List<long>();
        while (true)
        {
            SkipSpace();
            if (Peek() == ')') { _at++; return items; }
            int start = _at;
            while (_at < _text.Length && char.IsAsciiDigit(_text[_at])) _at++;
            if (_at < _text.Length && _text[_at] == 'L') _at++; // Python 2 long suffix, still found in old files
            string digits = _text[start.._at].TrimEnd('L');
            if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long value)) throw Error("a non-negative integer");
            items.Add(value);
            SkipSpace();
            if (Peek() == ',') _at++;
            else if (Peek() != ')') throw Error("',' or ')'");
        }
    }

    private string ParseString()
    {
        SkipSpace();
        char quote = Peek();
        if (quote is not ('\'' or '"')) throw Error("a quoted string");
        int end = _text.IndexOf(quote, _at + 1);
        if (end < 0) throw Error("a closing quote");
        string value = _text[(_at + 1)..end];
        _at = end + 1;
        return value;
    }

    private void Expect(char c)
    {
        SkipSpace();
        if (Peek() != c) throw Error($"'{c}'");
        _at++;
    }

    private bool Take(string word)
    {
        if (string.CompareOrdinal(_text, _at, word, 0, word.Length) != 0) return false;
        _at += word.Length;
        return true;
    }

    private char Peek() => _at < _text.Length ? _text[_at] : '\0';

    private void SkipSpace()
    {
        while (_at < _text.Length && _text[_at] is ' ' or '\t' or '\n' or '\r') _at++;
    }

    private NpyFormatException Error(string expected)
    {
        string near = _at < _text.Length ? _text[_at..Math.Min(_text.Length, _at + 20)] : "end of header";
        return _source.Problem($"malformed header: expected {expected} at offset {_at} near '{near}' in {_text.Trim()}");
    }
}
