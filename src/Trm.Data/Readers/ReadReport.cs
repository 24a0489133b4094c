namespace Trm.Data.Readers;

/// <summary>
/// What a read produced and what it skipped. Filled while the reader is enumerated; read it after the enumeration ends.
/// Not thread-safe.
/// </summary>
public sealed class ReadReport
{
    private readonly List<TrmDataException> _skips = [];

    /// <summary>How many skipped records are kept in <see cref="Skips"/> (the count goes on past it).</summary>
    public const int MaxKeptSkips = 100;

    /// <summary>Records read from the file(s), valid or not (lines, list elements or tree messages).</summary>
    public long RecordsRead { get; internal set; }

    /// <summary>Conversations produced.</summary>
    public long ConversationsProduced { get; internal set; }

    /// <summary>Malformed records skipped (only with <see cref="MalformedRecordPolicy.Skip"/>).</summary>
    public long Skipped { get; private set; }

    /// <summary>Records or threads left out on purpose by a filter (language, deleted, synthetic, not ready for export, no assistant reply).</summary>
    public long Filtered { get; internal set; }

    /// <summary>Invalid UTF-8 sequences replaced with U+FFFD or dropped (see <see cref="InvalidUtf8Policy"/>).</summary>
    public long InvalidUtf8 { get; internal set; }

    /// <summary>The first <see cref="MaxKeptSkips"/> skips, each naming file, line and field.</summary>
    public IReadOnlyList<TrmDataException> Skips => _skips;

    internal void AddSkip(TrmDataException error)
    {
        Skipped++;
        if (_skips.Count < MaxKeptSkips)
            _skips.Add(error);
    }

    /// <summary>A one-paragraph summary, with one line per kept skip.</summary>
    public override string ToString()
    {
        var text = $"{RecordsRead} records read, {ConversationsProduced} conversations, {Skipped} malformed skipped, {Filtered} filtered" + (InvalidUtf8 > 0 ? $", {InvalidUtf8} invalid UTF-8 sequences replaced or dropped" : "");
        return _skips.Count == 0 ? text : text + Environment.NewLine + string.Join(Environment.NewLine, _skips.Select(s => "  skipped " + s.Message));
    }
}
