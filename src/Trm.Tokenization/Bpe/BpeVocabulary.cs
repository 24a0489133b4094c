using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Trm.Tokenization.Bpe;

/// <summary>
/// A byte-level BPE vocabulary: the bytes of every token, the single-byte tokens, the ranked merges, and a lookup from
/// a whole piece of text to its token for the pieces that are one token. Loaded once, then read-only and thread-safe.
/// </summary>
internal sealed class BpeVocabulary
{
    private static readonly Lazy<BpeVocabulary> s_gpt2 = new(LoadGpt2Embedded, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly byte[] _tokenBytes;
    private readonly int[] _tokenOffsets; // token i is _tokenBytes[_tokenOffsets[i] .. _tokenOffsets[i + 1]]
    private readonly Dictionary<string, int> _wholeTokens;

    private BpeVocabulary(byte[][] tokens, int ordinaryCount, PairRankMap merges, Dictionary<string, int> specials)
    {
        OrdinaryCount = ordinaryCount;
        Merges = merges;
        SpecialTokens = specials;
        _tokenOffsets = new int[ordinaryCount + 1];
        int total = 0;
        for (int i = 0; i < ordinaryCount; i++)
        {
            _tokenOffsets[i] = total;
            total += tokens[i].Length;
        }
        _tokenOffsets[ordinaryCount] = total;
        _tokenBytes = new byte[total];
        for (int i = 0; i < ordinaryCount; i++)
        {
            tokens[i].CopyTo(_tokenBytes, _tokenOffsets[i]);
        }

        ByteToId = new int[256];
        Array.Fill(ByteToId, -1);
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        _wholeTokens = new Dictionary<string, int>(ordinaryCount);
        for (int id = 0; id < ordinaryCount; id++)
        {
            byte[] bytes = tokens[id];
            if (bytes.Length == 1)
            {
                ByteToId[bytes[0]] = id;
            }
            try
            {
                _wholeTokens.TryAdd(strict.GetString(bytes), id);
            }
            catch (DecoderFallbackException)
            {
                // Tokens that are not whole UTF-8 characters can never equal a piece of text; BPE reaches them.
            }
        }
        int missing = Array.IndexOf(ByteToId, -1);
        if (missing >= 0)
        {
            throw new InvalidDataException($"The vocabulary has no token for byte 0x{missing:X2}.");
        }
        WholeTokens = _wholeTokens.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The GPT-2 vocabulary embedded in this assembly (decompressed and parsed on first use).</summary>
    public static BpeVocabulary Gpt2 => s_gpt2.Value;

    /// <summary>Number of ordinary tokens (ids 0 .. OrdinaryCount-1); special tokens follow.</summary>
    public int OrdinaryCount { get; }

    /// <summary>Token id of each byte value.</summary>
    public int[] ByteToId { get; }

    public PairRankMap Merges { get; }

    /// <summary>Special tokens found in the encoder file (e.g. <c>&lt;|endoftext|&gt;</c>), by name.</summary>
    public Dictionary<string, int> SpecialTokens { get; }

    /// <summary>Lookup of a piece of text that is exactly one ordinary token.</summary>
    public Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> WholeTokens { get; }

    /// <summary>The UTF-8 bytes of ordinary token <paramref name="id"/>.</summary>
    public ReadOnlySpan<byte> GetBytes(int id) => _tokenBytes.AsSpan(_tokenOffsets[id], _tokenOffsets[id + 1] - _tokenOffsets[id]);

    /// <summary>
    /// Parses an encoder (JSON object token → id, tokens spelled in <see cref="ByteLevelAlphabet"/>) and merges
    /// (<c>#version</c> header, then one <c>left right</c> pair per line, best first).
    /// </summary>
    /// <param name="encoderJson">UTF-8 JSON bytes.</param>
    /// <param name="merges">Merges file text.</param>
    /// <param name="specialNames">Entries of the encoder that are special tokens, not byte sequences.</param>
    /// <param name="encoderName">File name used in error messages.</param>
    /// <param name="mergesName">File name used in error messages.</param>
    public static BpeVocabulary Load(ReadOnlySpan<byte> encoderJson, string merges, IReadOnlyCollection<string> specialNames, string encoderName, string mergesName)
    {
        var byToken = new Dictionary<string, int>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(encoderJson);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new InvalidDataException($"{encoderName}: expected a JSON object of token → id.");
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string token = reader.GetString()!;
                if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int id) || id < 0)
                {
                    throw new InvalidDataException($"{encoderName}: token '{token}' (byte offset {reader.TokenStartIndex}) has no non-negative integer id.");
                }
                if (!byToken.TryAdd(token, id))
                {
                    throw new InvalidDataException($"{encoderName}: token '{token}' appears twice.");
                }
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{encoderName}: malformed JSON at line {e.LineNumber + 1}: {e.Message}", e);
        }

        int count = byToken.Count;
        var tokens = new byte[count][];
        var specials = new Dictionary<string, int>(StringComparer.Ordinal);
        var byBytes = new Dictionary<string, int>(StringComparer.Ordinal); // keyed by the alphabet spelling
        foreach (var (token, id) in byToken)
        {
            if (id >= count || tokens[id] is not null)
            {
                throw new InvalidDataException($"{encoderName}: ids must be 0..{count - 1} without gaps; token '{token}' has id {id}.");
            }
            if (specialNames.Contains(token))
            {
                specials[token] = id;
                tokens[id] = Encoding.UTF8.GetBytes(token);
                continue;
            }
            try
            {
                tokens[id] = ByteLevelAlphabet.ToBytes(token);
            }
            catch (FormatException e)
            {
                throw new InvalidDataException($"{encoderName}: {e.Message}", e);
            }
            byBytes[token] = id;
        }
        int ordinary = count - specials.Count;
        if (specials.Values.Any(id => id < ordinary))
        {
            throw new InvalidDataException($"{encoderName}: special tokens must have the highest ids.");
        }

        var mergeList = new List<(int, int, int)>(count);
        int lineNumber = 0;
        foreach (var rawLine in merges.AsSpan().EnumerateLines())
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r');
            if (line.IsEmpty || (lineNumber == 1 && line.StartsWith("#version")))
            {
                continue;
            }
            int space = line.IndexOf(' ');
            if (space <= 0 || space == line.Length - 1 || line[(space + 1)..].Contains(' '))
            {
                throw new InvalidDataException($"{mergesName}:{lineNumber}: expected 'left right', got '{line}'.");
            }
            string left = line[..space].ToString(), right = line[(space + 1)..].ToString();
            if (!byBytes.TryGetValue(left, out int l) || !byBytes.TryGetValue(right, out int r) || !byBytes.TryGetValue(left + right, out int m))
            {
                throw new InvalidDataException($"{mergesName}:{lineNumber}: merge '{line}' uses or makes a token missing from {encoderName}.");
            }
            mergeList.Add((l, r, m));
        }
        return new BpeVocabulary(tokens, ordinary, new PairRankMap(mergeList), specials);
    }

    private static BpeVocabulary LoadGpt2Embedded()
    {
        byte[] encoder = ReadResource("Trm.Tokenization.gpt2-encoder.json.gz");
        string merges = Encoding.UTF8.GetString(ReadResource("Trm.Tokenization.gpt2-vocab.bpe.gz"));
        return Load(encoder, merges, [Gpt2Tokenizer.EndOfText], "gpt2 encoder.json", "gpt2 vocab.bpe");
    }

    private static byte[] ReadResource(string name)
    {
        using var stream = typeof(BpeVocabulary).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource '{name}' is missing from {typeof(BpeVocabulary).Assembly.GetName().Name}.");
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        return buffer.ToArray();
    }
}
