namespace Trm.Data.TokenStream;

/// <summary>
/// Reads the first <c>runes</c> Unicode scalar values of another reader and then reports the end, leaving the rest of the
/// inner reader unread (a surrogate pair is never cut). Used to split a streamed text at nanoGPT's train/val point.
/// </summary>
internal sealed class RuneLimitedReader(TextReader inner, long runes) : TextReader
{
    private long _remaining = runes;
    private bool _pendingLow;

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        if (buffer.IsEmpty) return 0;
        // Each character read starts at most one scalar value, so asking for at most _remaining characters never overshoots;
        // the low half of a pair whose high half was the last allowed character is read on its own.
        var want = _pendingLow ? 1 : (int)Math.Min(buffer.Length, _remaining);
        if (want == 0) return 0;
        var n = inner.Read(buffer[..want]);
        var read = buffer[..n];
        foreach (var c in read)
            if (!char.IsLowSurrogate(c)) _remaining--;
        _pendingLow = n > 0 && char.IsHighSurrogate(read[^1]);
        return n;
    }

    public override int Read()
    {
        Span<char> one = stackalloc char[1];
        return Read(one) == 0 ? -1 : one[0];
    }

    public override int Peek() => throw new NotSupportedException();
}
