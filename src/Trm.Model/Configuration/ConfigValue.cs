using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Trm.Torch;

namespace Trm.Model.Configuration;

/// <summary>
/// Converts option values between text (override tokens, configuration providers), JSON and the typed records, with the
/// reference's spellings: enums in snake_case (<c>adam_atan2</c>, <c>stablemax_cross_entropy</c>, <c>rope</c>), dtypes as
/// PyTorch names (<c>bfloat16</c>), lists as <c>[a, b]</c>, <c>null</c>/<c>None</c>/<c>~</c> for unset values. Errors are
/// <see cref="TrmConfigException"/>s naming the key as the user wrote it and where the value came from.
/// </summary>
public static class ConfigValue
{
    /// <summary>Parses <paramref name="text"/> as a value of <paramref name="type"/>.</summary>
    /// <param name="text">The text (quotes around strings and lists are removed).</param>
    /// <param name="type">The target type (int, long, double, bool, string, an enum, <see cref="IReadOnlyList{T}"/> of string, or nullable forms).</param>
    /// <param name="allowsNull">Whether null is a valid value.</param>
    /// <param name="key">The key, for errors.</param>
    /// <param name="source">Where the text came from, for errors.</param>
    public static object? Parse(string text, Type type, bool allowsNull, string key, string? source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var raw = text.Trim();
        var t = Nullable.GetUnderlyingType(type) ?? type;
        var unquoted = Unquote(raw);
        if (raw is "null" or "~" || (raw is "None" or "none" && t != typeof(string) && !t.IsEnum))
        {
            return allowsNull ? null : throw new TrmConfigException(key, $"must not be null; expected {Describe(t)}", source);
        }
        if (t == typeof(bool))
        {
            return unquoted.ToLowerInvariant() switch
            {
                "true" => true,
                "false" => false,
                _ => throw new TrmConfigException(key, $"expected true or false, got '{raw}'", source),
            };
        }
        if (t == typeof(int) || t == typeof(long))
        {
            if (!long.TryParse(unquoted, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l))
            {
                // Hydra reads 1e3 as a float; accept it when it is integral.
                if (!double.TryParse(unquoted, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || d != Math.Floor(d) || Math.Abs(d) > long.MaxValue)
                {
                    throw new TrmConfigException(key, $"expected an integer, got '{raw}'", source);
                }
                l = (long)d;
            }
            if (t == typeof(int) && l is < int.MinValue or > int.MaxValue)
            {
                throw new TrmConfigException(key, $"integer out of range: {raw}", source);
            }
            return t == typeof(int) ? (object)(int)l : l;
        }
        if (t == typeof(double))
        {
            if (!double.TryParse(unquoted, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
            {
                throw new TrmConfigException(key, $"expected a number, got '{raw}'", source);
            }
            return d;
        }
        if (t == typeof(string)) return unquoted;
        if (t.IsEnum) return ParseEnum(unquoted, t, key, source);
        if (t == typeof(IReadOnlyList<string>)) return ParseList(raw, key, source);
        throw new TrmConfigException(key, $"cannot be set from text (type {t.Name})", source);
    }

    /// <summary>Reads a JSON value as <paramref name="type"/>.</summary>
    /// <param name="node">The JSON value (<see langword="null"/> for JSON null).</param>
    /// <param name="type">The target type.</param>
    /// <param name="allowsNull">Whether null is a valid value.</param>
    /// <param name="key">The key, for errors.</param>
    /// <param name="source">Where the JSON came from, for errors.</param>
    public static object? FromJson(JsonNode? node, Type type, bool allowsNull, string key, string? source)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (node is null)
        {
            return allowsNull ? null : throw new TrmConfigException(key, "must not be null", source);
        }
        var kind = node.GetValueKind();
        if (t == typeof(IReadOnlyList<string>))
        {
            if (node is JsonArray array && array.All(e => e?.GetValueKind() == JsonValueKind.String))
            {
                return array.Select(e => e!.GetValue<string>()).ToArray();
            }
            if (kind == JsonValueKind.String) return ParseList(node.GetValue<string>(), key, source);
            throw new TrmConfigException(key, $"expected a list of strings, got {node.ToJsonString()}", source);
        }
        var ok = t == typeof(bool) ? kind is JsonValueKind.True or JsonValueKind.False
            : t == typeof(string) || t.IsEnum ? kind == JsonValueKind.String
            : kind == JsonValueKind.Number;
        if (!ok)
        {
            throw new TrmConfigException(key, $"expected {Describe(t)}, got {node.ToJsonString()}", source);
        }
        return Parse(kind == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString(), type, allowsNull, key, source);
    }

    /// <summary>The JSON form of a value (enums in their reference spelling).</summary>
    /// <param name="value">The value.</param>
    public static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        Enum e => JsonValue.Create(Spell(e)),
        IReadOnlyList<string> list => new JsonArray([.. list.Select(s => (JsonNode?)JsonValue.Create(s))]),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        string s => JsonValue.Create(s),
        _ => throw new ArgumentException($"unsupported option value type {value.GetType().Name}", nameof(value)),
    };

    /// <summary>The reference's spelling of an enum value: its <c>JsonStringEnumMemberName</c> when it has one, <c>bfloat16</c> for dtypes, snake_case otherwise (<c>adam_atan2</c>).</summary>
    /// <param name="value">The value.</param>
    public static string Spell(Enum value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var name = value.ToString();
        var member = value.GetType().GetField(name);
        if (member?.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute), false) is [System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute named, ..])
        {
            return named.Name;
        }
        if (value is DType) return name.ToLowerInvariant();
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]))) sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>Parses an enum from its reference spelling or its .NET name (case-insensitive).</summary>
    /// <param name="text">The text.</param>
    /// <param name="type">The enum type.</param>
    /// <param name="key">The key, for errors.</param>
    /// <param name="source">Where the text came from, for errors.</param>
    public static object ParseEnum(string text, Type type, string key, string? source)
    {
        foreach (Enum value in Enum.GetValues(type))
        {
            if (string.Equals(text, Spell(value), StringComparison.OrdinalIgnoreCase) || string.Equals(text, value.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }
        throw new TrmConfigException(key, $"must be {Describe(type)}, got '{text}'", source);
    }

    /// <summary>A short description of what a type accepts (<c>an integer</c>, <c>rope, learned or none</c>).</summary>
    /// <param name="type">The type.</param>
    public static string Describe(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsEnum)
        {
            var names = Enum.GetValues(t).Cast<Enum>().Select(Spell).ToArray();
            return names.Length == 1 ? names[0] : string.Join(", ", names[..^1]) + " or " + names[^1];
        }
        return t == typeof(int) || t == typeof(long) ? "an integer"
            : t == typeof(double) ? "a number"
            : t == typeof(bool) ? "true or false"
            : t == typeof(string) ? "a string"
            : t == typeof(IReadOnlyList<string>) ? "a list of strings"
            : t.Name;
    }

    private static string[] ParseList(string raw, string key, string? source)
    {
        var text = Unquote(raw.Trim()).Trim();
        if (!text.StartsWith('['))
        {
            // A bare value is a one-element list.
            return text.Length == 0 ? [] : [text];
        }
        if (!text.EndsWith(']'))
        {
            throw new TrmConfigException(key, $"unterminated list '{raw}' (expected [a,b,...])", source);
        }
        var items = new List<string>();
        var current = new StringBuilder();
        var quote = '\0';
        foreach (var c in text[1..^1])
        {
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                else current.Append(c);
            }
            else if (c is '"' or '\'') quote = c;
            else if (c == ',')
            {
                items.Add(current.ToString().Trim());
                current.Clear();
            }
            else current.Append(c);
        }
        if (quote != '\0')
        {
            throw new TrmConfigException(key, $"unterminated quote in list '{raw}'", source);
        }
        var last = current.ToString().Trim();
        if (last.Length > 0 || items.Count > 0) items.Add(last);
        if (items.Any(i => i.Length == 0))
        {
            throw new TrmConfigException(key, $"empty element in list '{raw}'", source);
        }
        return [.. items];
    }

    private static string Unquote(string s) =>
        s.Length >= 2 && (s[0] == '"' || s[0] == '\'') && s[^1] == s[0] ? s[1..^1] : s;
}
