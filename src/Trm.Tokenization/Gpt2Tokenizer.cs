using System.Buffers;
using System.Text;
using Trm.Tokenization.Bpe;

namespace Trm.Tokenization;

/// <summary>
/// GPT-2's byte-level BPE (50,257 ids; <c>&lt;|endoftext|&gt;</c> = 50256), id-for-id equal to the reference encoder.
/// The vocabulary ships inside this assembly (compressed) and is loaded once, on first use.
/// </summary>
/// <remarks>
/// Text is split with GPT-2's pre-tokenization rules (implemented without a regex engine), each piece is encoded to
/// UTF-8, and the bytes are merged by rank. Pieces are cached (bounded, thread-safe). A lone UTF-16 surrogate is
/// encoded as U+FFFD, as UTF-8 encoding replaces it, so <c>Decode(EncodeToIds(s)) == s</c> for every string without
/// lone surrogates. Instances are immutable and thread-safe.
/// </remarks>
public sealed class Gpt2Tokenizer : Tokenizer
{
    /// <summary>Name of GPT-2's end-of-text token.</summary>
    public const string EndOfText = "<|endoftext|>";

    /// <summary>Id of <see cref="EndOfText"/>.</summary>
    public const int EndOfTextId = 50256;

    private const int DefaultCacheCapacity = 1 << 17;

    private static readonly Lazy<Gpt2Tokenizer> s_default = new(() => new Gpt2Tokenizer(BpeVocabulary.Gpt2, null, new PieceCache(DefaultCacheCapacity)));

    private readonly BpeVocabulary _vocab;
    private readonly PieceCache _cache;

    private Gpt2Tokenizer(BpeVocabulary vocab, SpecialTokenTable? specials, PieceCache cache)
        : base("gpt2", vocab.OrdinaryCount, specials ?? new SpecialTokenTable(vocab.SpecialTokens.Select(kv => (kv.Key, kv.Value))))
    {
        _vocab = vocab;
        _cache = cache;
    }

    /// <summary>The GPT-2 tokenizer (one shared instance; the vocabulary is loaded on the first call).</summary>
    public static Gpt2Tokenizer Create() => s_default.Value;

    /// <summary>
    /// The GPT-2 tokenizer with a piece cache of its own holding up to <paramref name="cacheCapacity"/> pieces
    /// (0 disables caching).
    /// </summary>
    public static Gpt2Tokenizer Create(int cacheCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cacheCapacity);
        return new Gpt2Tokenizer(BpeVocabulary.Gpt2, null, new PieceCache(cacheCapacity));
    }

    private protected override Tokenizer WithSpecialTokensCore(SpecialTokenTable specials) => new Gpt2Tokenizer(_vocab, specials, _cache);

    private protected override void EncodeOrdinaryCore(ReadOnlySpan<char> text, List<int> destination)
    {
        var whole = _vocab.WholeTokens;
        int pos = 0;
        while (pos < text.Length)
        {
            int end = Gpt2PreTokenizer.NextPieceEnd(text, pos);
            var piece = text[pos..end];
            pos = end;
            if (whole.TryGetValue(piece, out int id))
            {
                destination.Add(id);
            }
            else if (_cache.TryGet(piece, out int[]? ids))
            {
                destination.AddRange(ids);
            }
            else
            {
                EncodePiece(piece, destination);
            }
        }
    }

    private protected override int CountOrdinaryCore(ReadOnlySpan<char> text)
    {
        var whole = _vocab.WholeTokens;
        List<int>? scratch = null;
        int count = 0, pos = 0;
        while (pos < text.Length)
        {
            int end = Gpt2PreTokenizer.NextPieceEnd(text, pos);
            var piece = text[pos..end];
            pos = end;
            if (whole.ContainsKey(piece))
            {
                count++;
            }
            else if (_cache.TryGet(piece, out int[]? ids))
            {
                count += ids.Length;
            }
            else
            {
                scratch ??= new List<int>(16);
                scratch.Clear();
                EncodePiece(piece, scratch);
                count += scratch.Count;
            }
        }
        return count;
    }

    /// <summary>Byte-pair encodes one piece, appends its ids and caches them.</summary>
    private void EncodePiece(ReadOnlySpan<char> piece, List<int> destination)
    {
        int maxBytes = piece.Length * 3;
        byte[]? rented = null;
        Span<byte> bytes = maxBytes <= 512 ? stackalloc byte[maxBytes] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            int length = Encoding.UTF8.GetBytes(piece, bytes); // lone surrogates become EF BF BD (U+FFFD)
            int start = destination.Count;
            BytePairMerger.Merge(_vocab, bytes[..length], destination);
            if (piece.Length <= PieceCache.MaxPieceLength)
            {
                _cache.Add(piece, destination.GetRange(start, destination.Count - start).ToArray());
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private protected override void DecodeOrdinaryCore(ReadOnlySpan<int> ids, IBufferWriter<byte> destination)
    {
        foreach (int id in ids)
        {
            var bytes = _vocab.GetBytes(id);
            bytes.CopyTo(destination.GetSpan(bytes.Length));
            destination.Advance(bytes.Length);
        }
    }
}
