using System.Text;
using System.Text.Unicode;

namespace Trm.Data.Readers;

/// <summary>
/// A read-only stream that passes valid UTF-8 through and applies an <see cref="InvalidUtf8Policy"/> to invalid sequences
/// (including a sequence cut off by the end of the input), counting them. Errors name the file, the 1-based line and the
/// 0-based byte offset of the first bad byte in the (decompressed) input. Holds one 64 KB buffer whatever the input size.
/// </summary>
public sealed class Utf8CheckingStream : Stream
{
    private static readonly byte[] Replacement = [0xEF, 0xBF, 0xBD]; // U+FFFD
    private readonly Stream _inner;
    private readonly string _file;
    private readonly InvalidUtf8Policy _policy;
    private readonly bool _leaveOpen;
    private readonly byte[] _raw = new byte[1 << 16];
    private readonly char[] _scratch = new char[1 << 16];
    private byte[] _out = new byte[(1 << 16) + 1024];
    private int _rawCount;
    private int _outStart;
    private int _outEnd;
    private long _offset;
    private long _line = 1;
    private bool _eof;

    /// <summary>Wraps <paramref name="inner"/>, read from <paramref name="file"/> (named in errors).</summary>
    public Utf8CheckingStream(Stream inner, string file, InvalidUtf8Policy policy, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _file = file;
        _policy = policy;
        _leaveOpen = leaveOpen;
    }

    /// <summary>"N invalid UTF-8 sequences replaced with U+FFFD" or "… dropped": the report of a read under <paramref name="policy"/>.</summary>
    public static string Describe(long count, InvalidUtf8Policy policy) =>
        $"{count} invalid UTF-8 sequences {(policy == InvalidUtf8Policy.Replace ? "replaced with U+FFFD" : "dropped")}";

    /// <summary>How many invalid sequences were replaced or dropped so far.</summary>
    public long InvalidSequences { get; private set; }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        while (_outStart == _outEnd)
        {
            if (_eof && _rawCount == 0) return 0;
            Fill();
        }
        var n = Math.Min(buffer.Length, _outEnd - _outStart);
        _out.AsSpan(_outStart, n).CopyTo(buffer);
        _outStart += n;
        return n;
    }

    private void Fill()
    {
        if (!_eof)
        {
            var n = _inner.Read(_raw, _rawCount, _raw.Length - _rawCount);
            if (n == 0) _eof = true;
            _rawCount += n;
        }
        _outStart = _outEnd = 0;
        var src = _raw.AsSpan(0, _rawCount);
        var used = 0;
        while (used < src.Length)
        {
            var status = Utf8.ToUtf16(src[used..], _scratch, out var read, out _, replaceInvalidSequences: false, isFinalBlock: _eof);
            Emit(src.Slice(used, read), fromInput: true);
            used += read;
            if (status == System.Buffers.OperationStatus.Done) break;
            if (status == System.Buffers.OperationStatus.NeedMoreData && !_eof) break; // keep the partial sequence for the next read
            // invalid (or truncated at the end of the input): the length of the maximal invalid subsequence
            Rune.DecodeFromUtf8(src[used..], out _, out var bad);
            bad = Math.Max(bad, 1);
            if (_policy == InvalidUtf8Policy.Error)
                throw new TrmDataException(
                    $"invalid UTF-8 at byte offset {_offset} (bytes {Convert.ToHexString(src.Slice(used, Math.Min(bad, 4)))}); use --invalid-utf8 replace|skip to accept it",
                    _file, _line, null);
            InvalidSequences++;
            if (_policy == InvalidUtf8Policy.Replace) Emit(Replacement, fromInput: false);
            _offset += bad;
            used += bad;
        }
        // carry the unconsumed tail (an incomplete sequence) to the front
        src[used..].CopyTo(_raw);
        _rawCount = src.Length - used;
    }

    private void Emit(ReadOnlySpan<byte> bytes, bool fromInput)
    {
        if (bytes.Length == 0) return;
        if (fromInput)
        {
            _line += bytes.Count((byte)'\n');
            _offset += bytes.Length;
        }
        if (_outEnd + bytes.Length > _out.Length) Array.Resize(ref _out, Math.Max(_out.Length * 2, _outEnd + bytes.Length));
        bytes.CopyTo(_out.AsSpan(_outEnd));
        _outEnd += bytes.Length;
    }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen) _inner.Dispose();
        base.Dispose(disposing);
    }
}
