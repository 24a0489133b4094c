using System.Buffers;
using System.Text;
using MLEncodedToken = Microsoft.ML.Tokenizers.EncodedToken;
using MLEncodeSettings = Microsoft.ML.Tokenizers.EncodeSettings;
using MLTokenizer = Microsoft.ML.Tokenizers.Tokenizer;

namespace Trm.Tokenization.Interop;

/// <summary>
/// A Trm <see cref="Tokenizer"/> (GPT-2 BPE, character, or one with chat tokens) seen through Microsoft.ML.Tokenizers'
/// <see cref="MLTokenizer"/> abstraction, so it can be passed wherever .NET code expects that type: encoding to ids or to
/// tokens with character offsets, counting, truncation by token count and decoding. Ids are the wrapped tokenizer's;
/// the work is done by it. Create one with <see cref="TokenizerInteropExtensions.AsMLTokenizer"/>.
/// </summary>
/// <remarks>
/// No normalizer or pre-tokenizer is exposed: the wrapped tokenizer does its own pre-tokenization, so the
/// <c>considerNormalization</c>/<c>considerPreTokenization</c> flags have no effect. Offsets index the text given
/// (UTF-16 units). With byte-level BPE a token may hold part of a character's UTF-8 bytes: such a token's offset covers
/// the whole character, so neighbouring tokens can share it. Thread-safe, like the wrapped tokenizer.
/// </remarks>
public sealed class MLTokenizerAdapter : MLTokenizer
{
    internal MLTokenizerAdapter(Tokenizer inner, AllowedSpecialTokens allowedSpecialTokens)
    {
        Inner = inner;
        AllowedSpecialTokens = allowedSpecialTokens;
    }

    /// <summary>The Trm tokenizer doing the work.</summary>
    public Tokenizer Inner { get; }

    /// <summary>The special tokens recognised in encoded text (by default none: their spelling is encoded as text).</summary>
    public AllowedSpecialTokens AllowedSpecialTokens { get; }

    /// <inheritdoc />
    protected override Microsoft.ML.Tokenizers.EncodeResults<MLEncodedToken> EncodeToTokens(string? text, ReadOnlySpan<char> textSpan, MLEncodeSettings settings)
    {
        ReadOnlySpan<char> input = text is null ? textSpan : text.AsSpan();
        var ids = new List<int>();
        Inner.EncodeToIds(input, ids, AllowedSpecialTokens);
        var ranges = TokenOffsets(input, ids);
        int keep = KeepCount(ranges, settings.MaxTokenCount);
        var tokens = new List<MLEncodedToken>(keep);
        for (int i = 0; i < keep; i++)
        {
            tokens.Add(new MLEncodedToken(ids[i], TokenValue(ids[i]), ranges[i]));
        }
        return new Microsoft.ML.Tokenizers.EncodeResults<MLEncodedToken>
        {
            Tokens = tokens,
            NormalizedText = null,
            CharsConsumed = keep == ids.Count ? input.Length : (keep == 0 ? 0 : ranges[keep - 1].End.Value),
        };
    }

    /// <inheritdoc />
    protected override Microsoft.ML.Tokenizers.EncodeResults<int> EncodeToIds(string? text, ReadOnlySpan<char> textSpan, MLEncodeSettings settings)
    {
        ReadOnlySpan<char> input = text is null ? textSpan : text.AsSpan();
        var ids = new List<int>();
        Inner.EncodeToIds(input, ids, AllowedSpecialTokens);
        if (settings.MaxTokenCount >= ids.Count)
        {
            return new Microsoft.ML.Tokenizers.EncodeResults<int> { Tokens = ids, NormalizedText = null, CharsConsumed = input.Length };
        }
        var ranges = TokenOffsets(input, ids);
        int keep = KeepCount(ranges, settings.MaxTokenCount);
        return new Microsoft.ML.Tokenizers.EncodeResults<int>
        {
            Tokens = ids.GetRange(0, keep),
            NormalizedText = null,
            CharsConsumed = keep == 0 ? 0 : ranges[keep - 1].End.Value,
        };
    }

    /// <inheritdoc />
    protected override int CountTokens(string? text, ReadOnlySpan<char> textSpan, MLEncodeSettings settings)
    {
        ReadOnlySpan<char> input = text is null ? textSpan : text.AsSpan();
        int count = Inner.CountTokens(input, AllowedSpecialTokens);
        return Math.Min(count, settings.MaxTokenCount);
    }

    /// <inheritdoc />
    protected override int GetIndexByTokenCount(string? text, ReadOnlySpan<char> textSpan, MLEncodeSettings settings, bool fromEnd, out string? normalizedText, out int tokenCount)
    {
        ReadOnlySpan<char> input = text is null ? textSpan : text.AsSpan();
        normalizedText = null;
        var ids = new List<int>();
        Inner.EncodeToIds(input, ids, AllowedSpecialTokens);
        var ranges = TokenOffsets(input, ids);
        int max = settings.MaxTokenCount;
        if (!fromEnd)
        {
            tokenCount = KeepCount(ranges, max);
            return tokenCount == ids.Count ? input.Length : (tokenCount == 0 ? 0 : ranges[tokenCount - 1].End.Value);
        }
        // From the end: the smallest start index such that the tokens from it on are at most max and start on a boundary.
        tokenCount = 0;
        int index = input.Length;
        for (int i = ranges.Length - 1; i >= 0 && ranges.Length - i <= max; i--)
        {
            if (i == 0 || ranges[i - 1].End.Value <= ranges[i].Start.Value)
            {
                tokenCount = ranges.Length - i;
                index = ranges[i].Start.Value;
            }
        }
        return index;
    }

    /// <inheritdoc />
    public override string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return Inner.Decode(ids);
    }

    /// <inheritdoc />
    public override OperationStatus Decode(IEnumerable<int> ids, Span<char> destination, out int idsConsumed, out int charsWritten)
    {
        ArgumentNullException.ThrowIfNull(ids);
        int[] all = ids as int[] ?? ids.ToArray();
        string full = Inner.Decode(all);
        if (full.Length <= destination.Length)
        {
            full.AsSpan().CopyTo(destination);
            idsConsumed = all.Length;
            charsWritten = full.Length;
            return OperationStatus.Done;
        }
        // The longest prefix of ids whose text fits.
        idsConsumed = 0;
        charsWritten = 0;
        for (int k = all.Length - 1; k > 0; k--)
        {
            string prefix = Inner.Decode(all.AsSpan(0, k));
            if (prefix.Length <= destination.Length)
            {
                prefix.AsSpan().CopyTo(destination);
                idsConsumed = k;
                charsWritten = prefix.Length;
                break;
            }
        }
        return OperationStatus.DestinationTooSmall;
    }

    /// <summary>How many leading tokens to keep under <paramref name="max"/> without ending inside a character.</summary>
    private static int KeepCount(Range[] ranges, int max)
    {
        if (max >= ranges.Length) return ranges.Length;
        int keep = max;
        // A token that ends inside a character shares it with the next one: back off to a token boundary.
        while (keep > 0 && ranges[keep - 1].End.Value > ranges[keep].Start.Value) keep--;
        return keep;
    }

    /// <summary>The token's text: a special token's name, else its decoded bytes (U+FFFD for part of a character).</summary>
    private string TokenValue(int id) => Inner.GetSpecialTokenName(id) ?? Inner.Decode([id]);

    /// <summary>
    /// The UTF-16 range of every token: token bytes are laid end to end over the text's UTF-8 bytes (a lone surrogate
    /// counts as U+FFFD, three bytes, as the tokenizers encode it), and each byte range is widened to whole characters.
    /// </summary>
    private Range[] TokenOffsets(ReadOnlySpan<char> input, List<int> ids)
    {
        // Byte offset at which each UTF-16 unit's character starts, and the character's UTF-16 length.
        var charOfByte = new List<int>(input.Length * 2);
        var widths = new int[input.Length];
        for (int i = 0; i < input.Length;)
        {
            int units = char.IsHighSurrogate(input[i]) && i + 1 < input.Length && char.IsLowSurrogate(input[i + 1]) ? 2 : 1;
            int bytes;
            if (units == 2) bytes = 4;
            else if (char.IsSurrogate(input[i])) bytes = 3;
            else bytes = input[i] < 0x80 ? 1 : input[i] < 0x800 ? 2 : 3;
            for (int b = 0; b < bytes; b++) charOfByte.Add(i);
            widths[i] = units;
            i += units;
        }
        var ranges = new Range[ids.Count];
        var buffer = new ArrayBufferWriter<byte>(64);
        int position = 0;
        for (int t = 0; t < ids.Count; t++)
        {
            buffer.ResetWrittenCount();
            Inner.DecodeToUtf8([ids[t]], buffer);
            int length = buffer.WrittenCount;
            if (length == 0 || position >= charOfByte.Count)
            {
                int at = position >= charOfByte.Count ? input.Length : charOfByte[position];
                ranges[t] = new Range(at, at);
                position += length;
                continue;
            }
            int start = charOfByte[position];
            int lastByte = Math.Min(position + length, charOfByte.Count) - 1;
            int lastChar = charOfByte[lastByte];
            ranges[t] = new Range(start, lastChar + widths[lastChar]);
            position += length;
        }
        return ranges;
    }
}
