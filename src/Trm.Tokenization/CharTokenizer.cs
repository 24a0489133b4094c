using System.Buffers;
using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Trm.Tokenization;

/// <summary>
/// Character-level tokenizer in the style of nanoGPT's <c>shakespeare_char</c>: the vocabulary is the sorted set of
/// distinct characters (Unicode code points, ordered by code point) of a corpus, id = index (65 symbols on tiny
/// Shakespeare). Special tokens, if any, follow the characters. Immutable and thread-safe.
/// </summary>
/// <remarks>A lone UTF-16 surrogate counts as U+FFFD, like everywhere else in this package.</remarks>
public sealed class CharTokenizer : Tokenizer
{
    /// <summary>Name of the special token that stands for unknown characters under <see cref="UnknownCharPolicy.MapToUnknown"/>.</summary>
    public const string UnknownToken = "<unk>";

    private const string FileType = "trm-char-vocab";

    private readonly string[] _itos;
    private readonly FrozenDictionary<int, int> _stoi;   // code point → id
    private readonly int[] _bmp;                           // code unit → id + 1 (0: unknown), for fast lookups
    private readonly int _unknownId;

    private CharTokenizer(int[] codePoints, UnknownCharPolicy policy, SpecialTokenTable specials)
        : base("char", codePoints.Length, specials)
    {
        UnknownPolicy = policy;
        _itos = codePoints.Select(char.ConvertFromUtf32).ToArray();
        Stoi = _itos.Select((s, id) => (s, id)).ToFrozenDictionary(t => t.s, t => t.id, StringComparer.Ordinal);
        _stoi = codePoints.Select((cp, id) => (cp, id)).ToFrozenDictionary(t => t.cp, t => t.id);
        int maxBmp = codePoints.Where(cp => cp < 0x10000).DefaultIfEmpty(-1).Max();
        _bmp = new int[maxBmp + 1];
        for (int id = 0; id < codePoints.Length; id++)
        {
            if (codePoints[id] <= maxBmp)
            {
                _bmp[codePoints[id]] = id + 1;
            }
        }
        _unknownId = policy == UnknownCharPolicy.MapToUnknown ? specials.ByName[UnknownToken] : -1;
    }

    /// <summary>What happens to characters outside the vocabulary.</summary>
    public UnknownCharPolicy UnknownPolicy { get; }

    /// <summary>Number of characters (ids <c>0 .. CharacterCount-1</c>); special tokens come after.</summary>
    public int CharacterCount => _itos.Length;

    /// <summary>Id → character (as a string: one code point, possibly a surrogate pair).</summary>
    public IReadOnlyList<string> Itos => _itos;

    /// <summary>Character → id.</summary>
    public IReadOnlyDictionary<string, int> Stoi { get; }

    /// <summary>Builds the vocabulary from the distinct characters of <paramref name="corpus"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="corpus"/> is null.</exception>
    /// <exception cref="ArgumentException">The corpus is empty.</exception>
    public static CharTokenizer Build(string corpus, UnknownCharPolicy unknownPolicy = UnknownCharPolicy.Throw)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        return Build([corpus], unknownPolicy);
    }

    /// <summary>Builds the vocabulary from the distinct characters of all <paramref name="corpus"/> texts.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="corpus"/> or one of its texts is null.</exception>
    /// <exception cref="ArgumentException">The corpus has no character.</exception>
    public static CharTokenizer Build(IEnumerable<string> corpus, UnknownCharPolicy unknownPolicy = UnknownCharPolicy.Throw)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        var seen = new HashSet<int>();
        var ascii = new bool[128];
        foreach (string text in corpus)
        {
            ArgumentNullException.ThrowIfNull(text, nameof(corpus));
            foreach (char c in text)
            {
                if (c < 128)
                {
                    ascii[c] = true;
                }
                else
                {
                    goto slow;
                }
            }
            continue;
        slow:
            foreach (Rune rune in text.EnumerateRunes()) // invalid UTF-16 enumerates as U+FFFD
            {
                seen.Add(rune.Value);
            }
        }
        for (int c = 0; c < 128; c++)
        {
            if (ascii[c])
            {
                seen.Add(c);
            }
        }
        if (seen.Count == 0)
        {
            throw new ArgumentException("The corpus has no character to build a vocabulary from.", nameof(corpus));
        }
        return Create(seen.Order().ToArray(), unknownPolicy, []);
    }

    private static CharTokenizer Create(int[] codePoints, UnknownCharPolicy policy, IEnumerable<(string, int)> specials)
    {
        var table = new SpecialTokenTable(specials);
        if (policy == UnknownCharPolicy.MapToUnknown && !table.ByName.ContainsKey(UnknownToken))
        {
            table = table.Append([UnknownToken], Math.Max(codePoints.Length, table.ById.Keys.DefaultIfEmpty(-1).Max() + 1), out _);
        }
        return new CharTokenizer(codePoints, policy, table);
    }

    /// <summary>The same vocabulary with another unknown-character policy.</summary>
    public CharTokenizer WithUnknownPolicy(UnknownCharPolicy policy) =>
        Create(_itos.Select(s => char.ConvertToUtf32(s, 0)).ToArray(), policy, Specials.ByName.Select(kv => (kv.Key, kv.Value)));

    /// <summary>
    /// Saves the vocabulary as JSON (<c>{"type","vocab_size","itos","special_tokens","unknown"}</c>), written to a
    /// temporary file and renamed so a crash never leaves a half-written file.
    /// </summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var json = new JsonObject
        {
            ["type"] = FileType,
            ["vocab_size"] = VocabSize,
            ["itos"] = new JsonArray(_itos.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
            ["special_tokens"] = new JsonObject(Specials.ByName.OrderBy(kv => kv.Value).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))),
            ["unknown"] = UnknownPolicy.ToString(),
        };
        string full = Path.GetFullPath(path);
        string temp = full + ".tmp-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            File.WriteAllText(temp, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Loads a vocabulary saved by <see cref="Save"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid character vocabulary (the message names the file and field).</exception>
    public static CharTokenizer Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Character vocabulary '{path}' does not exist.", path);
        }
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: malformed JSON at line {e.LineNumber + 1}: {e.Message}", e);
        }
        if (root is not JsonObject obj || obj["type"]?.GetValueKind() != JsonValueKind.String || (string?)obj["type"] != FileType)
        {
            throw new InvalidDataException($"{path}: field 'type' must be \"{FileType}\".");
        }
        if (obj["itos"] is not JsonArray itos || itos.Count == 0)
        {
            throw new InvalidDataException($"{path}: field 'itos' must be a non-empty array of characters.");
        }
        var codePoints = new int[itos.Count];
        for (int i = 0; i < itos.Count; i++)
        {
            string? s = itos[i]?.GetValueKind() == JsonValueKind.String ? (string?)itos[i] : null;
            if (s is null || Rune.DecodeFromUtf16(s, out Rune rune, out int used) != OperationStatus.Done || used != s.Length)
            {
                throw new InvalidDataException($"{path}: field 'itos[{i}]' must be a string of exactly one character.");
            }
            codePoints[i] = rune.Value;
            if (i > 0 && codePoints[i] <= codePoints[i - 1])
            {
                throw new InvalidDataException($"{path}: field 'itos' must be sorted by code point without repeats (entry {i}).");
            }
        }
        var specials = new List<(string, int)>();
        if (obj["special_tokens"] is JsonObject specialObj)
        {
            foreach (var (name, value) in specialObj)
            {
                if (value?.GetValueKind() != JsonValueKind.Number || !value.AsValue().TryGetValue(out int id) || id < codePoints.Length)
                {
                    throw new InvalidDataException($"{path}: field 'special_tokens.{name}' must be an integer id ≥ {codePoints.Length}.");
                }
                specials.Add((name, id));
            }
        }
        var policy = UnknownCharPolicy.Throw;
        if (obj["unknown"] is JsonNode unknown && (unknown.GetValueKind() != JsonValueKind.String || !Enum.TryParse((string?)unknown, ignoreCase: true, out policy)))
        {
            throw new InvalidDataException($"{path}: field 'unknown' must be one of {string.Join(", ", Enum.GetNames<UnknownCharPolicy>())}.");
        }
        try
        {
            return Create(codePoints, policy, specials);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: field 'special_tokens': {e.Message}", e);
        }
    }

    private protected override Tokenizer WithSpecialTokensCore(SpecialTokenTable specials) =>
        new CharTokenizer(_itos.Select(s => char.ConvertToUtf32(s, 0)).ToArray(), UnknownPolicy, specials);

    private protected override void EncodeOrdinaryCore(ReadOnlySpan<char> text, List<int> destination)
    {
        int[] bmp = _bmp;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c < bmp.Length && bmp[c] != 0)
            {
                destination.Add(bmp[c] - 1);
                continue;
            }
            int codePoint = c;
            int at = i;
            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    codePoint = char.ConvertToUtf32(c, text[++i]);
                }
                else
                {
                    codePoint = 0xFFFD;
                }
            }
            if (_stoi.TryGetValue(codePoint, out int id))
            {
                destination.Add(id);
            }
            else if (UnknownPolicy == UnknownCharPolicy.MapToUnknown)
            {
                destination.Add(_unknownId);
            }
            else if (UnknownPolicy == UnknownCharPolicy.Throw)
            {
                throw new ArgumentException($"Character U+{codePoint:X4} at position {at} of the text is not in the character vocabulary ({CharacterCount} symbols).", nameof(text));
            }
        }
    }

    private protected override int CountOrdinaryCore(ReadOnlySpan<char> text)
    {
        var scratch = new List<int>(text.Length);
        EncodeOrdinaryCore(text, scratch);
        return scratch.Count;
    }

    private protected override void DecodeOrdinaryCore(ReadOnlySpan<int> ids, IBufferWriter<byte> destination)
    {
        foreach (int id in ids)
        {
            string s = _itos[id];
            Span<byte> span = destination.GetSpan(4);
            destination.Advance(Encoding.UTF8.GetBytes(s, span));
        }
    }
}
