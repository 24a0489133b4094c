namespace Trm.Model.Configuration;

/// <summary>
/// A configuration value, override or file is invalid; <see cref="Key"/> names the offending key as the user wrote it
/// (the reference's dotted name, e.g. <c>arch.L_cycles</c>, unless it came from a source that spells it otherwise).
/// The one exception type for configuration errors, model and training alike.
/// </summary>
public sealed class TrmConfigException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="key"/>.</summary>
    /// <param name="key">Dotted key, e.g. <c>arch.L_cycles</c>.</param>
    /// <param name="message">What is wrong.</param>
    /// <param name="source">Where the value came from (an override or a file), if known.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public TrmConfigException(string key, string message, string? source = null, Exception? inner = null)
        : base(source is null ? $"Config key '{key}': {message}" : $"Config key '{key}' ({source}): {message}", inner)
    {
        Key = key;
        Origin = source;
        Reason = message;
    }

    /// <summary>What is wrong, without the key and origin.</summary>
    public string Reason { get; }

    /// <summary>The dotted key that is wrong.</summary>
    public string Key { get; }

    /// <summary>Where the bad value came from (override text or file path), when known.</summary>
    public string? Origin { get; }
}
