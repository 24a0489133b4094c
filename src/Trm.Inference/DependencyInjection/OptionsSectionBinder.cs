using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Trm.Inference.DependencyInjection;

/// <summary>
/// Reads options from a configuration section: each key is matched against the known snake_case keys ignoring case and
/// underscores (<c>stop_at_halt</c>, <c>StopAtHalt</c>); an unknown key or a value its setter refuses fails, naming the key
/// and its configuration path, all failures at once. The one binder behind every <c>AddTrm…(IConfiguration)</c> of this package.
/// </summary>
/// <typeparam name="TOptions">The options type.</typeparam>
/// <param name="section">The section holding the keys.</param>
/// <param name="keys">The known keys in the order they are listed in errors, each with a setter that returns an error or <see langword="null"/>.</param>
internal sealed class OptionsSectionBinder<TOptions>(IConfiguration section, params (string Key, Func<TOptions, string, string?> Set)[] keys) : IConfigureOptions<TOptions>
    where TOptions : class
{
    public void Configure(TOptions options)
    {
        var errors = new List<string>();
        foreach (var child in section.GetChildren())
        {
            var match = Array.FindIndex(keys, k => Normalize(k.Key) == Normalize(child.Key));
            var error = match < 0 ? $"unknown key; known keys: {string.Join(", ", keys.Select(k => k.Key))}" : keys[match].Set(options, child.Value ?? "");
            if (error is not null) errors.Add($"Config key '{child.Key}' (configuration '{child.Path}'): {error}");
        }
        if (errors.Count > 0) throw new OptionsValidationException(Options.DefaultName, typeof(TOptions), errors);
    }

    private static string Normalize(string key) => key.Replace("_", "", StringComparison.Ordinal).ToUpperInvariant();
}
