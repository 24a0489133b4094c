using System.Globalization;
using Microsoft.Extensions.Configuration;
using Trm.Model.Configuration;

namespace Trm.Training.Configuration;

/// <summary>
/// Reads a <see cref="TrainConfig"/> from an <see cref="IConfiguration"/> section (appsettings.json, environment
/// variables, command-line arguments...) through the one key table, <see cref="TrainConfigKey.All"/>: the reference's
/// snake_case names (<c>lr_warmup_steps</c>, <c>arch:H_cycles</c>, <c>arch:loss:loss_type</c>) and the .NET property
/// names (<c>LrWarmupSteps</c>, <c>Arch:HCycles</c>) are both accepted, without regard to case, as configuration keys
/// are. Lists are JSON arrays (<c>data_paths:0</c>, <c>data_paths:1</c>) or the override syntax (<c>"[a,b]"</c>); values
/// use the reference's spellings (<c>adam_atan2</c>, <c>none</c>, <c>null</c>). Unknown keys and bad values are errors —
/// never ignored — naming the key as written and its configuration path. Registered by <c>AddTrmTraining</c>.
/// </summary>
public static class TrainConfigBinder
{
    /// <summary>Reads <paramref name="configuration"/> over the defaults (no validation; see <see cref="TrainConfig.Validate"/>).</summary>
    /// <param name="configuration">The section that holds the keys, e.g. <c>configuration.GetSection("Trm:Training")</c>.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="TrmConfigException">A key is unknown or a value does not parse; the first such problem.</exception>
    public static TrainConfig Bind(IConfiguration configuration)
    {
        var binding = Read(configuration);
        return binding.Errors.Count > 0 ? throw binding.Errors[0] : ConfigLoader.Remember(binding.Config, binding.Written.Keys);
    }

    /// <summary>Reads every key of <paramref name="configuration"/>, collecting all problems rather than stopping at the first.</summary>
    internal static TrainConfigBinding Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var binding = new TrainConfigBinding((configuration as IConfigurationSection)?.Path ?? "");
        Walk(configuration, prefix: "", binding);
        return binding;
    }

    private static void Walk(IConfiguration node, string prefix, TrainConfigBinding binding)
    {
        foreach (var child in node.GetChildren())
        {
            var written = prefix + child.Key;
            var source = $"configuration '{child.Path}'";
            var children = child.GetChildren().ToList();
            try
            {
                if (TrainConfigKey.Sections.Contains(written, StringComparer.OrdinalIgnoreCase) && (children.Count > 0 || string.IsNullOrEmpty(child.Value)))
                {
                    Walk(child, written + ".", binding);
                    continue;
                }
                var key = ResolveKey(written, source, isSection: children.Count > 0);
                if (key is null)
                {
                    var fixedPath = TrainConfigKey.Fixed.Keys.First(f => string.Equals(f, written, StringComparison.OrdinalIgnoreCase));
                    var fixedValue = ConfigValue.Parse(child.Value ?? "", TrainConfigKey.Fixed[fixedPath].GetType(), allowsNull: false, written, source);
                    ConfigLoader.CheckFixed(fixedPath, fixedValue, written, source);
                    continue;
                }
                if (binding.Written.TryGetValue(key.Path, out var first))
                {
                    throw new TrmConfigException(written, $"is set twice, also as '{first.Key}' (configuration '{first.ConfigurationPath}'); keep one spelling", source);
                }
                var value = children.Count > 0 ? ReadList(child, children, key, written, source) : ReadValue(child.Value, key, written, source);
                binding.Config = key.Set(binding.Config, value);
                binding.Written[key.Path] = new TrainConfigBinding.WrittenKey(written, child.Path);
            }
            catch (TrmConfigException e)
            {
                binding.Errors.Add(e);
            }
        }
    }

    private static TrainConfigKey? ResolveKey(string written, string source, bool isSection)
    {
        try
        {
            return ConfigLoader.Resolve(written, source, ignoreCase: true);
        }
        catch (TrmConfigException) when (isSection && !written.Contains('.', StringComparison.Ordinal))
        {
            // A misspelled section ("arc": {...}): the key-level suggestion would name a value, not a section.
            throw new TrmConfigException(written, $"unknown section; sections are {string.Join(", ", TrainConfigKey.Sections)}, and lists such as data_paths", source);
        }
    }

    private static object? ReadValue(string? text, TrainConfigKey key, string written, string source)
    {
        // JSON null and empty arrays or objects reach configuration as an empty (or null) value.
        if (string.IsNullOrEmpty(text))
        {
            if (key.Option.ValueType == typeof(IReadOnlyList<string>)) return Array.Empty<string>();
            if (key.Option.AllowsNull) return null;
        }
        return ConfigValue.Parse(text ?? "", key.Option.ValueType, key.Option.AllowsNull, written, source);
    }

    private static string[] ReadList(IConfigurationSection node, List<IConfigurationSection> items, TrainConfigKey key, string written, string source)
    {
        if (key.Option.ValueType != typeof(IReadOnlyList<string>))
        {
            throw new TrmConfigException(written, $"expected {ConfigValue.Describe(key.Option.ValueType)}, got a section ({string.Join(", ", items.Select(i => i.Key))})", source);
        }
        var indexed = new List<(int Index, string Value)>();
        foreach (var item in items)
        {
            if (!int.TryParse(item.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || item.GetChildren().Any())
            {
                throw new TrmConfigException(written, $"expected a list of strings ({node.Path}:0, {node.Path}:1, ...), got '{item.Path}'", source);
            }
            indexed.Add((index, item.Value ?? ""));
        }
        return [.. indexed.OrderBy(i => i.Index).Select(i => i.Value)];
    }
}
