namespace Trm.Data.Puzzles;

/// <summary>
/// Where a <see cref="PuzzleDataset"/> iteration stands, to resume exactly (store it in a checkpoint, pass it to
/// <see cref="PuzzleDataset.Restore"/>). Training mode: <see cref="Epoch"/> counts the set passes already started
/// before the current one (the reference's <c>_iters</c> minus one; it seeds the pass's shuffle), <see cref="SetIndex"/>
/// is the set in progress and <see cref="BatchIndex"/> the batches of that pass already delivered. Test mode:
/// <see cref="Epoch"/> is 0 and the other two locate the next batch.
/// </summary>
/// <param name="Epoch">Set passes started before the current one.</param>
/// <param name="SetIndex">Index of the set in progress.</param>
/// <param name="BatchIndex">Batches of the current pass already delivered.</param>
public sealed record PuzzleIteratorState(long Epoch, int SetIndex, long BatchIndex)
{
    /// <summary>The state before the first batch.</summary>
    public static PuzzleIteratorState Start { get; } = new(0, 0, 0);

    /// <summary>Formats as <c>epoch:set:batch</c> (parse back with <see cref="Parse"/>).</summary>
    public override string ToString() => $"{Epoch}:{SetIndex}:{BatchIndex}";

    /// <summary>Parses the <c>epoch:set:batch</c> form written by <see cref="ToString"/>.</summary>
    /// <exception cref="FormatException">The text is not three non-negative integers separated by colons.</exception>
    public static PuzzleIteratorState Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':');
        if (parts.Length != 3 || !long.TryParse(parts[0], out var e) || !int.TryParse(parts[1], out var s) || !long.TryParse(parts[2], out var b) || e < 0 || s < 0 || b < 0)
            throw new FormatException($"'{text}' is not an iterator state of the form epoch:set:batch.");
        return new PuzzleIteratorState(e, s, b);
    }
}
