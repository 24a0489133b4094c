using System.Text.Json;

namespace Trm.Data.Readers;

/// <summary>
/// Streams the elements of a top-level JSON array with <see cref="Utf8JsonReader"/>, holding only the current element
/// (and a read buffer) in memory, so multi-gigabyte JSON lists are read in constant memory.
/// </summary>
internal sealed class JsonListSplitter(Stream stream, string file)
{
    private byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _end;
    private bool _final;
    private bool _started;
    private bool _finished;
    private bool _starved;
    private JsonReaderState _state;

    /// <summary>How many elements were returned so far (the 1-based index of the last one).</summary>
    public long Index { get; private set; }

    /// <summary>The 1-based line where the last returned element starts.</summary>
    public long Line { get; private set; }

    /// <summary>The 1-based line of <c>_buffer[_start]</c>.</summary>
    private long _line = 1;

    /// <summary>Returns the next element's UTF-8 bytes (valid until the next call), or <see langword="false"/> at the end of the array.</summary>
    public bool TryNext(out ReadOnlyMemory<byte> element)
    {
        while (true)
        {
            int offset, length;
            bool got;
            try
            {
                got = TryReadElement(out offset, out length);
            }
            catch (JsonException e) when (_final && _starved)
            {
                throw new TrmDataException("unexpected end of file inside the JSON list", file, e.LineNumber + 1 ?? _line, null, e) { Record = Index + 1 };
            }
            catch (JsonException e)
            {
                throw new TrmDataException($"invalid JSON in list element: {e.Message}", file, e.LineNumber + 1 ?? _line, null, e) { Record = Index + 1 };
            }
            if (got)
            {
                _starved = false;
                Index++;
                element = _buffer.AsMemory(offset, length);
                return true;
            }
            if (_finished)
            {
                element = default;
                return false;
            }
            _starved = true;
            if (_final)
                throw _started
                    ? new TrmDataException("unexpected end of file inside the JSON list", file, _line + CountLines(_start, _end), null) { Record = Index + 1 }
                    : new TrmDataException("empty file: expected a JSON list", file, _line, null);
            Refill();
        }
    }

    private bool TryReadElement(out int offset, out int length)
    {
        offset = length = 0;
        var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _final, _state);
        if (!_started)
        {
            if (_start == 0 && _end >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF)
            {
                _start = 3; // UTF-8 byte order mark
                reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _final, _state);
            }
            if (!reader.Read())
                return false;
            if (reader.TokenType != JsonTokenType.StartArray)
                throw new TrmDataException($"expected a JSON list ('['), found {reader.TokenType}", file, _line + CountLines(_start, _start + (int)reader.TokenStartIndex), null);
            _started = true;
            Commit(ref reader);
            reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _final, _state);
        }
        if (!reader.Read())
            return false;
        if (reader.TokenType == JsonTokenType.EndArray)
        {
            _finished = true;
            Commit(ref reader);
            return false;
        }
        var tokenStart = _start + (int)reader.TokenStartIndex;
        if (!reader.TrySkip())
            return false;
        offset = tokenStart;
        length = _start + (int)reader.BytesConsumed - tokenStart;
        Line = _line + CountLines(_start, tokenStart);
        Commit(ref reader);
        return true;
    }

    /// <summary>The line of the first byte after <c>_start</c> that is not white space or a comma (where the next element starts).</summary>
    private long LineOfNextToken()
    {
        var i = _start;
        while (i < _end && _buffer[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)',')
            i++;
        return _line + CountLines(_start, i);
    }

    private long CountLines(int from, int to) => _buffer.AsSpan(from, to - from).Count((byte)'\n');

    private void Commit(ref Utf8JsonReader reader)
    {
        _line += CountLines(_start, _start + (int)reader.BytesConsumed);
        _start += (int)reader.BytesConsumed;
        _state = reader.CurrentState;
    }

    private void Refill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= JsonRecordSource.MaxRecordChars)
                throw new TrmDataException($"list element is longer than {JsonRecordSource.MaxRecordChars:N0} bytes; records this large are refused", file, LineOfNextToken(), null) { Record = Index + 1 };
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        var n = stream.Read(_buffer, _end, _buffer.Length - _end);
        if (n == 0)
            _final = true;
        _end += n;
    }
}
