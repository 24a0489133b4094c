namespace Trm.Tokenization;

/// <summary>
/// Which special tokens an encode call may recognise in its input text. Text that spells a special token that is not
/// allowed is encoded as ordinary text (so user content can never inject control tokens). Instances are immutable and
/// thread-safe.
/// </summary>
public sealed class AllowedSpecialTokens
{
    private readonly HashSet<string>? _names;

    private AllowedSpecialTokens(bool all, HashSet<string>? names)
    {
        IsAll = all;
        _names = names;
    }

    /// <summary>No special token is recognised: everything is ordinary text (the default of every encode call).</summary>
    public static AllowedSpecialTokens None { get; } = new(false, null);

    /// <summary>Every special token of the tokenizer is recognised.</summary>
    public static AllowedSpecialTokens All { get; } = new(true, null);

    /// <summary>Only the named special tokens are recognised.</summary>
    /// <param name="names">Special token names, e.g. <c>&lt;|endoftext|&gt;</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="names"/> or one of its items is null.</exception>
    public static AllowedSpecialTokens Only(params IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in names)
        {
            ArgumentNullException.ThrowIfNull(name, nameof(names));
            set.Add(name);
        }
        return set.Count == 0 ? None : new AllowedSpecialTokens(false, set);
    }

    /// <summary>True when every special token is allowed.</summary>
    public bool IsAll { get; }

    /// <summary>True when no special token is allowed.</summary>
    public bool IsNone => !IsAll && _names is null;

    /// <summary>Whether the special token <paramref name="name"/> may be recognised.</summary>
    public bool Allows(string name) => IsAll || (_names is not null && _names.Contains(name));

    /// <inheritdoc />
    public override string ToString() => IsAll ? "all" : _names is null ? "none" : string.Join(",", _names.Order(StringComparer.Ordinal));
}
