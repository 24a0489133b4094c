using Microsoft.Extensions.Configuration;
using Trm.Model.Configuration;

namespace Trm.Training.Configuration;

/// <summary>
/// What <see cref="TrainConfigBinder"/> read from one configuration section: the configuration, every problem found,
/// and how the user spelled each key, so that a validation failure on a reference key (<c>lr_min_ratio</c>) can be
/// reported under the key and path the user wrote (<c>Trm:Training:LrMinRatio</c>).
/// </summary>
internal sealed class TrainConfigBinding(string sectionPath)
{
    /// <summary>A key as the user wrote it (dotted, relative to the section) and its full configuration path.</summary>
    internal readonly record struct WrittenKey(string Key, string ConfigurationPath);

    /// <summary>The section's own path (empty for a configuration root).</summary>
    public string SectionPath { get; } = sectionPath;

    /// <summary>The configuration read so far.</summary>
    public TrainConfig Config { get; set; } = new();

    /// <summary>Unknown keys and bad values, in the order found.</summary>
    public List<TrmConfigException> Errors { get; } = [];

    /// <summary>Reference path (<c>arch.H_cycles</c>) → how it was written.</summary>
    public Dictionary<string, WrittenKey> Written { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The message for a validation failure: the key as written and its configuration path when the user set it, the
    /// reference name under this section otherwise (a default or a dependent value).
    /// </summary>
    /// <param name="error">The failure, whose <see cref="TrmConfigException.Key"/> is a reference path.</param>
    public string Describe(TrmConfigException error)
    {
        var written = Written.TryGetValue(error.Key, out var key)
            ? key
            : new WrittenKey(error.Key, SectionPath.Length == 0 ? error.Key.Replace('.', ':') : ConfigurationPath.Combine(SectionPath, error.Key.Replace('.', ':')));
        return $"Config key '{written.Key}' (configuration '{written.ConfigurationPath}'): {error.Reason}";
    }
}
