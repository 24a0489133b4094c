using System.Buffers;
using System.Collections.Concurrent;
using System.Text;

namespace Trm.Tokenization;

/// <summary>
/// Turns text into token ids and back. The public overloads are non-virtual and funnel into a few private-protected
/// cores implemented by the sealed tokenizers (<see cref="Gpt2Tokenizer"/>, <see cref="CharTokenizer"/>), which are built
/// by static factories or by <see cref="FromName"/>.
/// </summary>
/// <remarks>
/// Every tokenizer is immutable and thread-safe: one instance may encode and decode from many threads at once.
/// Special tokens (for example <c>&lt;|endoftext|&gt;</c> or the chat template's role tokens) are recognised in text only
/// when the caller allows them through <see cref="AllowedSpecialTokens"/>; otherwise their spelling is encoded as
/// ordinary text.
/// </remarks>
public abstract class Tokenizer
{
    [ThreadStatic]
    private static List<int>? t_scratch;

    private readonly SpecialTokenTable _specials;

    private protected Tokenizer(string name, int ordinaryVocabSize, SpecialTokenTable specials)
    {
        Name = name;
        OrdinaryVocabSize = ordinaryVocabSize;
        _specials = specials;
        int size = ordinaryVocabSize;
        foreach (int id in specials.ById.Keys)
        {
            if (id < 0)
            {
                throw new ArgumentException($"Special token id {id} is negative.");
            }
            size = Math.Max(size, id + 1);
        }
        VocabSize = size;
    }

    /// <summary>Short name of the tokenizer, e.g. <c>gpt2</c> or <c>char</c> (stored in dataset metadata).</summary>
    public string Name { get; }

    /// <summary>Number of ids: ordinary tokens plus special tokens (ids are <c>0 .. VocabSize-1</c>).</summary>
    public int VocabSize { get; }

    /// <summary>Special tokens by name (e.g. <c>&lt;|endoftext|&gt;</c> → 50256 for GPT-2).</summary>
    public IReadOnlyDictionary<string, int> SpecialTokens => _specials.ByName;

    /// <summary>Number of ids that stand for ordinary text (bytes, merges or characters), before the special ones.</summary>
    private protected int OrdinaryVocabSize { get; }

    private protected SpecialTokenTable Specials => _specials;

    /// <summary>
    /// Builds a tokenizer from a spec: <c>gpt2</c>, or <c>char:&lt;vocab.json&gt;</c> for a character vocabulary saved by
    /// <see cref="CharTokenizer.Save"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The spec names no known tokenizer.</exception>
    public static Tokenizer FromName(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (string.Equals(spec, "gpt2", StringComparison.OrdinalIgnoreCase))
        {
            return Gpt2Tokenizer.Create();
        }
        if (spec.StartsWith("char:", StringComparison.OrdinalIgnoreCase) && spec.Length > 5)
        {
            return CharTokenizer.Load(spec[5..]);
        }
        throw new ArgumentException($"Unknown tokenizer '{spec}': expected 'gpt2' or 'char:<vocab.json>'.", nameof(spec));
    }

    /// <summary>Id of the special token <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The tokenizer has no such special token.</exception>
    public int GetSpecialTokenId(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _specials.ByName.TryGetValue(name, out int id)
            ? id
            : throw new KeyNotFoundException($"Tokenizer '{Name}' has no special token '{name}' (it has: {string.Join(", ", _specials.ByName.Keys)}).");
    }

    /// <summary>Looks up the id of the special token <paramref name="name"/>.</summary>
    public bool TryGetSpecialTokenId(string name, out int id)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _specials.ByName.TryGetValue(name, out id);
    }

    /// <summary>Name of the special token with id <paramref name="id"/>, or null when the id is not special.</summary>
    public string? GetSpecialTokenName(int id) => _specials.ById.GetValueOrDefault(id);

    /// <summary>Whether <paramref name="id"/> is a special token.</summary>
    public bool IsSpecialToken(int id) => id >= _specials.MinId && _specials.ById.ContainsKey(id);

    /// <summary>
    /// Returns a tokenizer with the same vocabulary plus the named special tokens, appended after the current ids in
    /// the given order. Names the tokenizer already has keep their id. The original instance is unchanged.
    /// </summary>
    public Tokenizer WithSpecialTokens(params IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return WithSpecialTokensCore(_specials.Append(names, VocabSize, out _));
    }

    /// <summary>Encodes <paramref name="text"/>; no special token is recognised.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public int[] EncodeToIds(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return EncodeToIds(text.AsSpan(), AllowedSpecialTokens.None);
    }

    /// <summary>Encodes <paramref name="text"/>, recognising the special tokens in <paramref name="allowedSpecial"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public int[] EncodeToIds(string text, AllowedSpecialTokens allowedSpecial)
    {
        ArgumentNullException.ThrowIfNull(text);
        return EncodeToIds(text.AsSpan(), allowedSpecial);
    }

    /// <summary>Encodes <paramref name="text"/>; no special token is recognised.</summary>
    public int[] EncodeToIds(ReadOnlySpan<char> text) => EncodeToIds(text, AllowedSpecialTokens.None);

    /// <summary>Encodes <paramref name="text"/>, recognising the special tokens in <paramref name="allowedSpecial"/>.</summary>
    public int[] EncodeToIds(ReadOnlySpan<char> text, AllowedSpecialTokens allowedSpecial)
    {
        ArgumentNullException.ThrowIfNull(allowedSpecial);
        List<int> scratch = t_scratch ??= new List<int>(256);
        scratch.Clear();
        EncodeCore(text, scratch, allowedSpecial);
        int[] result = scratch.ToArray();
        if (scratch.Capacity > 1 << 20)
        {
            t_scratch = null; // do not keep a huge buffer alive on this thread
        }
        return result;
    }

    /// <summary>Encodes <paramref name="text"/> and appends the ids to <paramref name="destination"/>.</summary>
    /// <returns>The number of ids appended.</returns>
    public int EncodeToIds(ReadOnlySpan<char> text, List<int> destination, AllowedSpecialTokens? allowedSpecial = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        int before = destination.Count;
        EncodeCore(text, destination, allowedSpecial ?? AllowedSpecialTokens.None);
        return destination.Count - before;
    }

    /// <summary>Number of tokens <paramref name="text"/> encodes to (no special token recognised).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public int CountTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return CountTokens(text.AsSpan(), AllowedSpecialTokens.None);
    }

    /// <summary>Number of tokens <paramref name="text"/> encodes to.</summary>
    public int CountTokens(ReadOnlySpan<char> text, AllowedSpecialTokens? allowedSpecial = null)
    {
        allowedSpecial ??= AllowedSpecialTokens.None;
        var allowed = _specials.Allowed(allowedSpecial);
        if (allowed.Length == 0)
        {
            return CountOrdinaryCore(text);
        }
        int count = 0;
        var finder = new SpecialTokenFinder(allowed);
        int pos = 0;
        while (finder.FindNext(text, pos, out int at, out int index))
        {
            count += CountOrdinaryCore(text[pos..at]) + 1;
            pos = at + allowed[index].Name.Length;
        }
        return count + CountOrdinaryCore(text[pos..]);
    }

    /// <summary>
    /// Encodes many texts on all cores (or <paramref name="maxDegreeOfParallelism"/>); result <c>i</c> belongs to text <c>i</c>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> or one of its items is null.</exception>
    public int[][] EncodeBatch(IReadOnlyList<string> texts, AllowedSpecialTokens? allowedSpecial = null, int maxDegreeOfParallelism = -1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        allowedSpecial ??= AllowedSpecialTokens.None;
        var results = new int[texts.Count][];
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellationToken };
        for (int i = 0; i < texts.Count; i++)
        {
            if (texts[i] is null)
            {
                throw new ArgumentNullException(nameof(texts), $"Text {i} of the batch is null.");
            }
        }
        int chunk = Math.Clamp(texts.Count / (Environment.ProcessorCount * 8), 1, 1024);
        try
        {
            Parallel.ForEach(Partitioner.Create(0, texts.Count, chunk), options, range =>
            {
                for (int i = range.Item1; i < range.Item2; i++)
                {
                    results[i] = EncodeToIds(texts[i].AsSpan(), allowedSpecial);
                }
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // Surface the first failure itself (e.g. an unknown character), not the parallel wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        return results;
    }

    /// <summary>Decodes ids to text; special tokens are written as their names.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside the vocabulary (the message names its position).</exception>
    public string Decode(ReadOnlySpan<int> ids) => Decode(ids, skipSpecialTokens: false);

    /// <summary>Decodes ids to text; special tokens are written as their names.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="ids"/> is null.</exception>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return Decode(ids is int[] array ? array : ids.ToArray(), skipSpecialTokens: false);
    }

    /// <summary>
    /// Decodes ids to text. Byte sequences that are not valid UTF-8 (a multi-byte character split across a cut) become
    /// U+FFFD. With <paramref name="skipSpecialTokens"/> special tokens are left out, otherwise written as their names.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside the vocabulary (the message names its position).</exception>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(16, ids.Length * 4));
        DecodeToUtf8(ids, buffer, skipSpecialTokens);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Writes the UTF-8 bytes that <paramref name="ids"/> stand for to <paramref name="destination"/> (useful for streaming
    /// generation, where a character may span two tokens).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside the vocabulary (the message names its position).</exception>
    public void DecodeToUtf8(ReadOnlySpan<int> ids, IBufferWriter<byte> destination, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(destination);
        int runStart = 0;
        for (int i = 0; i < ids.Length; i++)
        {
            int id = ids[i];
            bool special = id >= _specials.MinId && _specials.ById.ContainsKey(id);
            if (!special && (uint)id < (uint)OrdinaryVocabSize)
            {
                continue;
            }
            if (!special)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"Token id {id} at position {i} is outside the vocabulary of tokenizer '{Name}' (size {VocabSize}).");
            }
            if (i > runStart)
            {
                DecodeOrdinaryCore(ids[runStart..i], destination);
            }
            if (!skipSpecialTokens)
            {
                Encoding.UTF8.GetBytes(_specials.ById[id], destination);
            }
            runStart = i + 1;
        }
        if (ids.Length > runStart)
        {
            DecodeOrdinaryCore(ids[runStart..], destination);
        }
    }

    /// <summary>Encodes text with the allowed special tokens split out; ordinary stretches go to <see cref="EncodeOrdinaryCore"/>.</summary>
    private void EncodeCore(ReadOnlySpan<char> text, List<int> destination, AllowedSpecialTokens allowedSpecial)
    {
        var allowed = _specials.Allowed(allowedSpecial);
        if (allowed.Length == 0)
        {
            EncodeOrdinaryCore(text, destination);
            return;
        }
        var finder = new SpecialTokenFinder(allowed);
        int pos = 0;
        while (finder.FindNext(text, pos, out int at, out int index))
        {
            EncodeOrdinaryCore(text[pos..at], destination);
            destination.Add(allowed[index].Id);
            pos = at + allowed[index].Name.Length;
        }
        EncodeOrdinaryCore(text[pos..], destination);
    }

    /// <summary>Appends the ids of <paramref name="text"/>, which contains no special token to recognise.</summary>
    private protected abstract void EncodeOrdinaryCore(ReadOnlySpan<char> text, List<int> destination);

    /// <summary>Counts the ids of ordinary <paramref name="text"/>; the default encodes into a scratch list.</summary>
    private protected virtual int CountOrdinaryCore(ReadOnlySpan<char> text)
    {
        var scratch = new List<int>(text.Length / 3 + 4);
        EncodeOrdinaryCore(text, scratch);
        return scratch.Count;
    }

    /// <summary>Writes the UTF-8 bytes of ordinary ids (all validated to be below <see cref="OrdinaryVocabSize"/>).</summary>
    private protected abstract void DecodeOrdinaryCore(ReadOnlySpan<int> ids, IBufferWriter<byte> destination);

    /// <summary>Creates the same tokenizer with another special-token table.</summary>
    private protected abstract Tokenizer WithSpecialTokensCore(SpecialTokenTable specials);
}
