using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Trm.Training.Configuration;

/// <summary>
/// Builds a <see cref="TrainConfig"/> from the reference's Hydra-style overrides
/// (<c>arch=trm data_paths="[data/sudoku-small]" arch.L_cycles=6 arch.mlp_t=True lr=1e-4 +run_name=x</c>)
/// and/or a JSON file with the same keys (<c>{"lr": 1e-4, "arch": {"L_cycles": 6}}</c>). Overrides apply after the file.
/// Unknown keys and values of the wrong type throw <see cref="TrmConfigException"/> naming the key and its source.
/// </summary>
public static class ConfigLoader
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static readonly NullabilityInfoContext Nullability = new();

    /// <summary>Loads the defaults, then the JSON file (when given), then the overrides, and validates the result.</summary>
    /// <param name="overrides">Override tokens in the reference's style.</param>
    /// <param name="jsonPath">Optional JSON configuration file.</param>
    public static TrainConfig Load(IEnumerable<string> overrides, string? jsonPath = null)
    {
        var config = jsonPath is null ? new TrainConfig() : FromJsonFile(jsonPath);
        return ApplyOverrides(config, overrides).Validate();
    }

    /// <summary>Applies override tokens to <paramref name="config"/> (no validation).</summary>
    /// <param name="config">The starting configuration.</param>
    /// <param name="overrides">Tokens such as <c>lr=1e-4</c>, <c>+run_name=x</c>, <c>arch.mlp_t=True</c>, <c>data_paths="[a,b]"</c>.</param>
    public static TrainConfig ApplyOverrides(TrainConfig config, IEnumerable<string> overrides)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(overrides);
        var tree = ToTree(config);
        foreach (var token in overrides)
        {
            ApplyOne(tree, token);
        }
        return FromTree(tree, "overrides");
    }

    /// <summary>Reads a JSON configuration file over the defaults (no validation).</summary>
    /// <param name="path">The file; keys as in <see cref="TrainConfig"/>'s JSON names.</param>
    public static TrainConfig FromJsonFile(string path)
    {
        JsonNode? file;
        try
        {
            file = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new TrmConfigException("$", $"not valid JSON at line {e.LineNumber + 1}: {e.Message}", path, e);
        }
        if (file is not JsonObject fileObject)
        {
            throw new TrmConfigException("$", "the file must hold a JSON object", path);
        }
        var tree = ToTree(new TrainConfig());
        Merge(tree, fileObject, typeof(TrainConfig), prefix: "", path);
        return FromTree(tree, path);
    }

    /// <summary>Serializes a configuration to indented JSON with the reference's key names.</summary>
    /// <param name="config">The configuration.</param>
    public static string ToJson(TrainConfig config) => JsonSerializer.Serialize(config, JsonOptions);

    /// <summary>Parses JSON written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="origin">Where it came from, for error messages.</param>
    public static TrainConfig FromJson(string json, string origin)
    {
        try
        {
            return JsonSerializer.Deserialize<TrainConfig>(json, JsonOptions) ?? throw new TrmConfigException("$", "null configuration", origin);
        }
        catch (JsonException e)
        {
            throw new TrmConfigException(KeyOf(e.Path), e.Message, origin, e);
        }
    }

    private static JsonObject ToTree(TrainConfig config) => (JsonObject)JsonSerializer.SerializeToNode(config, JsonOptions)!;

    private static TrainConfig FromTree(JsonObject tree, string origin) => FromJson(tree.ToJsonString(JsonOptions), origin);

    private static string KeyOf(string? jsonPath) => string.IsNullOrEmpty(jsonPath) ? "$" : jsonPath.TrimStart('$', '.');

    private static void ApplyOne(JsonObject tree, string token)
    {
        var text = token.Trim();
        var body = text.StartsWith("++", StringComparison.Ordinal) ? text[2..] : text.StartsWith('+') ? text[1..] : text;
        var eq = body.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            throw new TrmConfigException(eq == 0 ? "(empty)" : body, "expected key=value", $"override '{token}'");
        }
        var key = body[..eq].Trim();
        var raw = body[(eq + 1)..].Trim();
        var source = $"override '{token}'";

        if (key == "arch" && !raw.StartsWith('{'))
        {
            // Config-group selection, as in Hydra's `arch=trm`.
            if (Unquote(raw) != "trm")
            {
                throw new TrmConfigException("arch", $"unknown architecture preset '{Unquote(raw)}'; known: trm", source);
            }
            tree["arch"] = JsonSerializer.SerializeToNode(new ArchConfig(), JsonOptions);
            return;
        }

        var segments = key.Split('.');
        var type = typeof(TrainConfig);
        var node = tree;
        for (var i = 0; i < segments.Length; i++)
        {
            var property = FindProperty(type, segments[i], string.Join('.', segments[..i]), source);
            var name = JsonName(property);
            if (i == segments.Length - 1)
            {
                if (IsSection(property.PropertyType))
                {
                    throw new TrmConfigException(key, $"is a section; set its keys instead (e.g. {key}.{JsonName(property.PropertyType.GetProperties()[0])}=...)", source);
                }
                node[name] = ConvertScalar(property, raw, key, source);
                return;
            }
            if (!IsSection(property.PropertyType))
            {
                throw new TrmConfigException(key, $"'{string.Join('.', segments[..(i + 1)])}' is a value, not a section", source);
            }
            type = property.PropertyType;
            node = (JsonObject)node[name]!;
        }
    }

    private static void Merge(JsonObject target, JsonObject file, Type type, string prefix, string path)
    {
        foreach (var (name, value) in file)
        {
            var property = FindProperty(type, name, prefix, path);
            var key = prefix.Length == 0 ? name : $"{prefix}.{name}";
            if (IsSection(property.PropertyType))
            {
                if (value is not JsonObject section)
                {
                    throw new TrmConfigException(key, "must be a JSON object", path);
                }
                Merge((JsonObject)target[name]!, section, property.PropertyType, key, path);
                continue;
            }
            try
            {
                var typed = value?.Deserialize(property.PropertyType, JsonOptions);
                if (typed is null && !AllowsNull(property))
                {
                    throw new TrmConfigException(key, "must not be null", path);
                }
                target[name] = JsonSerializer.SerializeToNode(typed, property.PropertyType, JsonOptions);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
            {
                throw new TrmConfigException(key, $"expected {Describe(property.PropertyType)}, got {value?.ToJsonString() ?? "null"}", path, e);
            }
        }
    }

    private static PropertyInfo FindProperty(Type type, string name, string prefix, string source)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonPropertyNameAttribute>() is not null)
            .ToList();
        var match = properties.FirstOrDefault(p => JsonName(p) == name);
        if (match is not null)
        {
            return match;
        }
        var key = prefix.Length == 0 ? name : $"{prefix}.{name}";
        var near = properties.FirstOrDefault(p => string.Equals(JsonName(p), name, StringComparison.OrdinalIgnoreCase))
            ?? properties.Select(p => (p, d: EditDistance(JsonName(p).ToLowerInvariant(), name.ToLowerInvariant()))).Where(x => x.d <= 2).OrderBy(x => x.d).Select(x => x.p).FirstOrDefault();
        var hint = near is not null
            ? $"did you mean '{(prefix.Length == 0 ? "" : prefix + ".")}{JsonName(near)}'?"
            : $"known keys{(prefix.Length == 0 ? "" : " of " + prefix)}: {string.Join(", ", properties.Select(JsonName))}";
        throw new TrmConfigException(key, $"unknown key; {hint}", source);
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    private static string JsonName(PropertyInfo p) => p.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name;

    private static bool IsSection(Type t) => t == typeof(ArchConfig) || t == typeof(LossConfig);

    private static bool AllowsNull(PropertyInfo p) =>
        Nullable.GetUnderlyingType(p.PropertyType) is not null
        || (!p.PropertyType.IsValueType && Nullability.Create(p).WriteState == NullabilityState.Nullable);

    private static JsonNode? ConvertScalar(PropertyInfo property, string raw, string key, string source)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var unquoted = Unquote(raw);
        if (raw is "null" or "~" or "None" or "none" && type != typeof(string))
        {
            return AllowsNull(property) ? null : throw new TrmConfigException(key, $"must not be null; expected {Describe(type)}", source);
        }
        if (raw is "null" or "~" && type == typeof(string))
        {
            return AllowsNull(property) ? null : throw new TrmConfigException(key, "must not be null", source);
        }

        object value;
        if (type == typeof(bool))
        {
            value = unquoted.ToLowerInvariant() switch
            {
                "true" => true,
                "false" => false,
                _ => throw new TrmConfigException(key, $"expected true or false, got '{raw}'", source),
            };
        }
        else if (type == typeof(int) || type == typeof(long))
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
            if (type == typeof(int) && l is < int.MinValue or > int.MaxValue)
            {
                throw new TrmConfigException(key, $"integer out of range: {raw}", source);
            }
            value = type == typeof(int) ? (object)(int)l : l;
        }
        else if (type == typeof(double))
        {
            if (!double.TryParse(unquoted, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
            {
                throw new TrmConfigException(key, $"expected a number, got '{raw}'", source);
            }
            value = d;
        }
        else if (type == typeof(string))
        {
            value = unquoted;
        }
        else if (type == typeof(IReadOnlyList<string>))
        {
            value = ParseList(raw, key, source);
        }
        else
        {
            throw new TrmConfigException(key, $"cannot be set from an override (type {type.Name})", source);
        }
        return JsonSerializer.SerializeToNode(value, property.PropertyType, JsonOptions);
    }

    private static string[] ParseList(string raw, string key, string source)
    {
        var text = Unquote(raw).Trim();
        if (!text.StartsWith('['))
        {
            // A bare value is a one-element list.
            return text.Length == 0 ? [] : [text];
        }
        if (!text.EndsWith(']'))
        {
            throw new TrmConfigException(key, $"unterminated list '{raw}' (expected [a,b,...])", source);
        }
        var inner = text[1..^1];
        var items = new List<string>();
        var current = new System.Text.StringBuilder();
        char quote = '\0';
        foreach (var c in inner)
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

    private static string Describe(Type t)
    {
        var u = Nullable.GetUnderlyingType(t) ?? t;
        return u == typeof(int) || u == typeof(long) ? "an integer"
            : u == typeof(double) ? "a number"
            : u == typeof(bool) ? "true or false"
            : u == typeof(string) ? "a string"
            : u == typeof(IReadOnlyList<string>) ? "a list of strings"
            : u.Name;
    }
}
