using System.Buffers.Binary;
using Trm.Data.TokenStream;
using Trm.Tokenization.Chat;

namespace Trm.Data.Chat;

/// <summary>
/// Appends rendered examples to one split's three files (<c>tokens</c>, <c>mask</c>, <c>offsets</c>; see docs/formats.md) in a
/// staging folder, one example at a time, so a build holds no more than the batch being rendered.
/// </summary>
internal sealed class ChatSplitWriter : IDisposable
{
    private readonly FileStream _tokens;
    private readonly FileStream _mask;
    private readonly FileStream _offsets;
    private readonly int _width;
    private readonly byte[] _buffer = new byte[1 << 16];

    public ChatSplitWriter(string folder, string split, TokenDtype dtype)
    {
        _width = dtype.Size();
        _tokens = Create(Path.Combine(folder, ChatDatasetFiles.Tokens(split)));
        _mask = Create(Path.Combine(folder, ChatDatasetFiles.Mask(split)));
        _offsets = Create(Path.Combine(folder, ChatDatasetFiles.Offsets(split)));
        WriteOffset(0);
    }

    /// <summary>Examples written.</summary>
    public long Examples { get; private set; }

    /// <summary>Tokens written.</summary>
    public long Tokens { get; private set; }

    /// <summary>Tokens with a loss (mask 1).</summary>
    public long Trained { get; private set; }

    private static FileStream Create(string path) => new(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);

    /// <summary>Appends one example.</summary>
    public void Add(RenderedChat chat)
    {
        var ids = chat.Ids;
        for (var start = 0; start < ids.Length;)
        {
            var n = Math.Min(ids.Length - start, _buffer.Length / _width);
            for (var i = 0; i < n; i++)
            {
                if (_width == 2)
                    BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(i * 2), (ushort)ids[start + i]);
                else
                    BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(i * 4), (uint)ids[start + i]);
            }
            _tokens.Write(_buffer, 0, n * _width);
            start += n;
        }
        _mask.Write(chat.LossMask);
        Examples++;
        Tokens += ids.Length;
        Trained += chat.TrainedTokenCount;
        WriteOffset(Tokens);
    }

    private void WriteOffset(long offset)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, offset);
        _offsets.Write(bytes);
    }

    /// <summary>Flushes the three files to disk.</summary>
    public void Complete()
    {
        _tokens.Flush(flushToDisk: true);
        _mask.Flush(flushToDisk: true);
        _offsets.Flush(flushToDisk: true);
    }

    public void Dispose()
    {
        _tokens.Dispose();
        _mask.Dispose();
        _offsets.Dispose();
    }
}
