using System.Text.Json;
using System.Text.Json.Nodes;
using Trm.Model;
using Trm.Model.Configuration;

namespace Trm.Training.Configuration;

/// <summary>
/// Builds a <see cref="TrainConfig"/> from the reference's Hydra-style overrides
/// (<c>arch=trm data_paths="[data/sudoku-small]" arch.L_cycles=6 arch.mlp_t=True lr=1e-4 +run_name=x</c>)
/// and/or a JSON file with the same keys (<c>{"lr": 1e-4, "arch": {"L_cycles": 6}}</c>). Overrides apply after the file.
/// Keys are the reference's names; the .NET property names (<c>Arch.LCycles</c>) are accepted too. Unknown keys and values
/// of the wrong type throw <see cref="TrmConfigException"/> naming the key as written and its source. Every reader and the
/// writer go through the one key table, <see cref="TrainConfigKey.All"/>.
/// </summary>
public static class ConfigLoader
{
    private static readonly JsonDocumentOptions ReadOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Loads the defaults, then the JSON file (when given), then the overrides, and validates the result.</summary>
    /// <param name="overrides">Override tokens in the reference's style.</param>
    /// <param name="jsonPath">Optional JSON configuration file.</param>
    public static TrainConfig Load(IEnumerable<string> overrides, string? jsonPath = null)
    {
        var config = jsonPath is null ? new TrainConfig() : FromJsonFile(jsonPath);
        config = ApplyOverrides(config, overrides);
        return Remember(config.Validate(), WrittenKeys(config));
    }

    /// <summary>Applies override tokens to <paramref name="config"/> (no validation).</summary>
    /// <param name="config">The starting configuration.</param>
    /// <param name="overrides">Tokens such as <c>lr=1e-4</c>, <c>+run_name=x</c>, <c>arch.mlp_t=True</c>, <c>data_paths="[a,b]"</c>, <c>arch=trm</c>.</param>
    public static TrainConfig ApplyOverrides(TrainConfig config, IEnumerable<string> overrides)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(overrides);
        var written = new HashSet<string>(WrittenKeys(config), StringComparer.Ordinal);
        foreach (var token in overrides)
        {
            config = ApplyOne(config, token, written);
        }
        return Remember(config, written);
    }

    /// <summary>Reads a JSON configuration file over the defaults (no validation).</summary>
    /// <param name="path">The file; keys as in the reference (<c>lr</c>, <c>arch.H_cycles</c> nested as <c>{"arch": {"H_cycles": 3}}</c>).</param>
    public static TrainConfig FromJsonFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TrmConfigException("$", $"cannot read the file: {e.Message}", path, e);
        }
        return FromJson(text, path);
    }

    /// <summary>Parses JSON configuration text (as written by <see cref="ToJson"/> or by hand) over the defaults (no validation).</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="origin">Where it came from, for error messages.</param>
    public static TrainConfig FromJson(string json, string origin)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: ReadOptions);
        }
        catch (JsonException e)
        {
            throw new TrmConfigException("$", $"not valid JSON at line {e.LineNumber + 1}: {e.Message}", origin, e);
        }
        if (root is not JsonObject obj)
        {
            throw new TrmConfigException("$", "the file must hold a JSON object", origin);
        }
        var written = new HashSet<string>(StringComparer.Ordinal);
        return Remember(Merge(new TrainConfig(), obj, prefix: "", origin, written), written);
    }

    /// <summary>Serializes a configuration to indented JSON with the reference's key names (read back by <see cref="FromJson"/>).</summary>
    /// <param name="config">The configuration.</param>
    public static string ToJson(TrainConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var root = new JsonObject();
        foreach (var key in TrainConfigKey.All)
        {
            var parent = root;
            var segments = key.Path.Split('.');
            foreach (var section in segments[..^1])
            {
                if (parent[section] is not JsonObject child)
                {
                    child = new JsonObject();
                    parent[section] = child;
                    var sectionPath = string.Join('.', segments[..Array.IndexOf(segments, section)].Append(section));
                    foreach (var (path, value) in TrainConfigKey.Fixed.Where(f => f.Key.StartsWith(sectionPath + ".", StringComparison.Ordinal) && !f.Key[(sectionPath.Length + 1)..].Contains('.')))
                    {
                        child[path[(sectionPath.Length + 1)..]] = ConfigValue.ToJson(value);
                    }
                }
                parent = child;
            }
            parent[segments[^1]] = ConfigValue.ToJson(key.Get(config));
        }
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Finds the key named <paramref name="key"/> (reference path or .NET path) or throws a message that suggests the right one.</summary>
    /// <param name="key">The dotted key as written.</param>
    /// <param name="source">Where it came from, for errors.</param>
    /// <param name="ignoreCase">Compare without case (configuration providers).</param>
    /// <returns>The key, or <see langword="null"/> for a reference key that is accepted but fixed here (<see cref="TrainConfigKey.Fixed"/>).</returns>
    public static TrainConfigKey? Resolve(string key, string? source, bool ignoreCase = false)
    {
        ArgumentNullException.ThrowIfNull(key);
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (string.Equals(key, nameof(TrainConfig.LossType), comparison)) key = "arch.loss.loss_type";
        if (TrainConfigKey.Aliases.FirstOrDefault(a => string.Equals(a.Key, key, comparison)) is { Key: not null } alias) key = alias.Value;
        var match = TrainConfigKey.All.FirstOrDefault(k => string.Equals(k.Path, key, comparison) || string.Equals(k.PascalPath, key, comparison));
        if (match is not null) return match;
        if (TrainConfigKey.Fixed.Keys.Any(f => string.Equals(f, key, comparison))) return null;
        var section = TrainConfigKey.Sections.FirstOrDefault(s => string.Equals(s, key, comparison) || string.Equals(Pascal(s), key, comparison));
        if (section is not null)
        {
            var example = TrainConfigKey.All.First(k => k.Path.StartsWith(section + ".", StringComparison.Ordinal)).Path;
            throw new TrmConfigException(key, $"is a section; set its keys instead (e.g. {example}=...)", source);
        }
        var segments = key.Split('.');
        for (var i = 1; i < segments.Length; i++)
        {
            var prefix = string.Join('.', segments[..i]);
            if (TrainConfigKey.All.Any(k => string.Equals(k.Path, prefix, comparison) || string.Equals(k.PascalPath, prefix, comparison)))
            {
                throw new TrmConfigException(key, $"'{prefix}' is a value, not a section", source);
            }
        }
        var parent = segments.Length > 1 ? string.Join('.', segments[..^1]) + "." : "";
        var siblings = TrainConfigKey.All.Select(k => k.Path)
            .Where(p => p.StartsWith(parent, StringComparison.OrdinalIgnoreCase) && !p[parent.Length..].Contains('.'))
            .ToList();
        var near = siblings.FirstOrDefault(p => string.Equals(p, key, StringComparison.OrdinalIgnoreCase))
            ?? siblings.Select(p => (p, d: EditDistance(p.ToLowerInvariant(), key.ToLowerInvariant()))).Where(x => x.d <= 2).OrderBy(x => x.d).Select(x => x.p).FirstOrDefault();
        var hint = near is not null ? $"did you mean '{near}'?" : $"known keys{(parent.Length == 0 ? "" : " of " + parent.TrimEnd('.'))}: {string.Join(", ", siblings)}";
        throw new TrmConfigException(key, $"unknown key; {hint}", source);
    }

    /// <summary>Checks a value given for a fixed reference key (<c>arch.name</c> must name the TRM; <c>H_layers</c> must be an integer).</summary>
    internal static void CheckFixed(string path, object? value, string key, string? source)
    {
        if (path == "arch.name" && value is string name && !name.Contains("trm", StringComparison.OrdinalIgnoreCase) && !name.Contains("TinyRecursive", StringComparison.Ordinal))
        {
            throw new TrmConfigException(key, $"only the TRM ACT model is supported, got '{name}'", source);
        }
    }

    private static TrainConfig ApplyOne(TrainConfig config, string token, HashSet<string> written)
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
            var preset = raw.Trim('"', '\'');
            written.RemoveWhere(k => k.StartsWith("arch.", StringComparison.Ordinal) || (preset != "trm" && !PresetKeepsKey(k)));
            return preset switch
            {
                "trm" => config with { Arch = new TrmConfig(), LossType = new TrainConfig().LossType },
                "trm_chat" => WithTrainingValues(config, TrainConfig.Chat),
                "trm_chat_recursive" => WithTrainingValues(config, TrainConfig.ChatRecursive),
                _ => throw new TrmConfigException("arch", $"unknown architecture preset '{preset}'; known: {string.Join(", ", Presets)}", source),
            };
        }

        var entry = Resolve(key, source);
        if (entry is null)
        {
            var fixedPath = TrainConfigKey.Fixed.Keys.First(f => f == key);
            var fixedValue = ConfigValue.Parse(raw, TrainConfigKey.Fixed[fixedPath].GetType(), allowsNull: false, key, source);
            CheckFixed(fixedPath, fixedValue, key, source);
            return config;
        }
        written.Add(entry.Path);
        return entry.Set(config, ConfigValue.Parse(raw, entry.Option.ValueType, entry.Option.AllowsNull, key, source));
    }

    /// <summary>The architecture presets <c>arch=…</c> selects: <c>trm</c> (the puzzle model), <c>trm_chat</c> and <c>trm_chat_recursive</c> (<see cref="TrainConfig.Chat"/>, <see cref="TrainConfig.ChatRecursive"/>).</summary>
    public static IReadOnlyList<string> Presets { get; } = ["trm", "trm_chat", "trm_chat_recursive"];

    /// <summary>
    /// <paramref name="config"/> with the architecture, loss and training values of <paramref name="preset"/> (every key
    /// except the data, run and device keys, which stay as they are).
    /// </summary>
    private static TrainConfig WithTrainingValues(TrainConfig config, TrainConfig preset)
    {
        foreach (var key in TrainConfigKey.All.Where(k => !PresetKeepsKey(k.Path)))
        {
            config = key.Set(config, key.Get(preset));
        }
        return config;
    }

    /// <summary>
    /// The configuration a language-model run uses when its architecture is not causal (the seed line
    /// <c>arch=trm data_paths="[data/alpaca-processed]"</c>, whose <c>arch=trm</c> names the puzzle model): every key left at
    /// its puzzle default takes <see cref="TrainConfig.Chat"/>'s value, every key the user changed keeps the user's
    /// (<c>arch.L_layers=2 arch.H_cycles=2 arch.L_cycles=3</c> on top of the chat model).
    /// </summary>
    /// <param name="config">A configuration whose data is a chat dataset or token streams.</param>
    internal static TrainConfig ForLanguageModel(TrainConfig config)
    {
        var puzzle = new TrainConfig();
        var written = WrittenKeys(config);
        foreach (var key in TrainConfigKey.All.Where(k => !PresetKeepsKey(k.Path) && !written.Contains(k.Path)))
        {
            if (SameValue(key.Get(config), key.Get(puzzle))) config = key.Set(config, key.Get(TrainConfig.Chat));
        }
        return config;
    }

    // The keys each configuration read by this class had written (overrides, JSON, configuration), so that a value the user
    // wrote is told from a default even when they are equal (arch.H_cycles=3 in the production chat recipe). Kept beside the
    // instance so TrainConfig's equality stays the values'.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<TrainConfig, HashSet<string>> Written = new();

    /// <summary>The reference paths of the keys written for <paramref name="config"/> (empty when it was not read here).</summary>
    internal static IReadOnlySet<string> WrittenKeys(TrainConfig config) =>
        Written.TryGetValue(config, out var keys) ? keys : new HashSet<string>();

    /// <summary>Records <paramref name="keys"/> as written for <paramref name="config"/> and returns it.</summary>
    internal static TrainConfig Remember(TrainConfig config, IEnumerable<string> keys)
    {
        Written.AddOrUpdate(config, new HashSet<string>(keys, StringComparer.Ordinal));
        return config;
    }

    /// <summary><paramref name="after"/>, remembered with the keys written for <paramref name="before"/> plus those whose value changed.</summary>
    internal static TrainConfig Track(TrainConfig before, TrainConfig after)
    {
        if (ReferenceEquals(before, after)) return after;
        var keys = new HashSet<string>(WrittenKeys(before), StringComparer.Ordinal);
        keys.UnionWith(TrainConfigKey.All.Where(k => !SameValue(k.Get(before), k.Get(after))).Select(k => k.Path));
        return Remember(after, keys);
    }

    private static bool SameValue(object? a, object? b) =>
        a is IEnumerable<string> x && b is IEnumerable<string> y ? x.SequenceEqual(y) : Equals(a, b);

    /// <summary>Keys a preset never changes: where the data, the run and the device are, what is trained on, what is logged.</summary>
    internal static bool PresetKeepsKey(string path) => path is "data_paths" or "data_paths_test" or "dataset_list" or "dataset_sampling_probs"
        or "training_mode" or "sampling_method" or "block_size" or "project_name" or "run_name" or "load_checkpoint" or "checkpoint_path"
        or "device" or "seed" or "max_steps" or "max_minutes" or "eval_every_steps" or "checkpoint_every_steps" or "eval_max_examples"
        or "evaluators" or "train_on_all_tokens" or "pack_sequences" or "eval_samples" or "eval_sample_tokens" or "max_nonfinite_steps";

    private static TrainConfig Merge(TrainConfig config, JsonObject obj, string prefix, string origin, HashSet<string> written)
    {
        foreach (var (name, value) in obj)
        {
            var key = prefix + name;
            if (TrainConfigKey.Sections.Contains(key))
            {
                if (value is not JsonObject section)
                {
                    throw new TrmConfigException(key, "must be a JSON object", origin);
                }
                config = Merge(config, section, key + ".", origin, written);
                continue;
            }
            var entry = Resolve(key, origin);
            if (entry is null)
            {
                var fixedPath = TrainConfigKey.Fixed.Keys.First(f => f == key);
                CheckFixed(fixedPath, ConfigValue.FromJson(value, TrainConfigKey.Fixed[fixedPath].GetType(), allowsNull: false, key, origin), key, origin);
                continue;
            }
            written.Add(entry.Path);
            config = entry.Set(config, ConfigValue.FromJson(value, entry.Option.ValueType, entry.Option.AllowsNull, key, origin));
        }
        return config;
    }

    private static string Pascal(string path) => string.Join('.', path.Split('.').Select(s => char.ToUpperInvariant(s[0]) + s[1..]));

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
}
