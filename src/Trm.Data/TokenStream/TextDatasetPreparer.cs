using Trm.Core.IO;
using Trm.Tokenization;

namespace Trm.Data.TokenStream;

/// <summary>
/// Prepares a token-stream dataset in the nanoGPT layout from raw text: the first <c>1 - ValFraction</c> of the
/// characters (code points) go to <c>train.bin</c>, the rest to <c>val.bin</c>, each tokenized on its own (as nanoGPT's
/// prepare scripts do), plus <c>meta.json</c>. The text is streamed twice (count and vocabulary, then encode), so memory
/// stays bounded whatever its size; the chunks cut by <see cref="TextChunker"/> give the ids of a one-piece encode.
/// </summary>
public static class TextDatasetPreparer
{
    /// <summary>Prepares the dataset and returns its metadata.</summary>
    /// <exception cref="TrmDataException">The input is missing, empty, not UTF-8 (under the default policy), or the options are invalid.</exception>
    public static TokenStreamMeta Prepare(TextDatasetOptions options, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        if (options.ValFraction is < 0 or >= 1)
            throw new TrmDataException($"val fraction must be in [0, 1), got {options.ValFraction}");
        if (!File.Exists(options.InputPath))
            throw new TrmDataException("file not found", options.InputPath, null, null);

        // Pass 1: count the code points (and collect the characters of a char vocabulary).
        var isChar = string.Equals(options.Tokenizer, "char", StringComparison.OrdinalIgnoreCase);
        long scalars = 0, invalidUtf8;
        CharTokenizer? built = null;
        using (var reader = OpenText(options, out var checking))
        {
            IEnumerable<string> Chunks()
            {
                foreach (var chunk in TextChunker.Split(reader))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var text = chunk.ToString();
                    foreach (var c in text)
                        if (!char.IsLowSurrogate(c)) scalars++;
                    yield return text;
                }
            }
            if (isChar)
            {
                try
                {
                    built = CharTokenizer.Build(Chunks());
                }
                catch (ArgumentException) when (scalars == 0)
                {
                    // empty: reported below
                }
            }
            else
            {
                foreach (var _ in Chunks()) { }
            }
            invalidUtf8 = checking.InvalidSequences;
        }
        if (scalars == 0)
            throw new TrmDataException("the input text is empty", options.InputPath, null, null);
        if (invalidUtf8 > 0)
            progress?.Report(Readers.Utf8CheckingStream.Describe(invalidUtf8, options.InvalidUtf8));
        Tokenizer tokenizer = built ?? LoadTokenizer(options.Tokenizer);
        if (tokenizer is CharTokenizer chars)
            progress?.Report($"char vocabulary: {chars.CharacterCount} symbols");
        var dtype = TokenDtypes.ForVocabSize(tokenizer.VocabSize);
        var trainScalars = (long)Math.Floor(scalars * (1.0 - options.ValFraction));

        // Pass 2: encode into a staging sibling, swapped in at the end: the previous dataset stays readable until then.
        using var output = new AtomicDirectory(options.OutputDirectory);
        long trainTokens, valTokens;
        using (var reader = OpenText(options, out _))
        {
            trainTokens = TokenStreamFile.WriteChunks(Path.Combine(output.Staging, TokenStreamDataset.TrainFile),
                Encode(tokenizer, new RuneLimitedReader(reader, trainScalars), cancellationToken), dtype);
            BuildFaults.At("text:train-written");
            valTokens = TokenStreamFile.WriteChunks(Path.Combine(output.Staging, TokenStreamDataset.ValFile),
                Encode(tokenizer, reader, cancellationToken), dtype);
        }
        var meta = new TokenStreamMeta
        {
            VocabSize = tokenizer.VocabSize,
            Tokenizer = tokenizer.Name,
            Dtype = dtype.Name(),
            Stoi = (tokenizer as CharTokenizer)?.Stoi,
            Itos = (tokenizer as CharTokenizer)?.Itos.Select((c, i) => (c, i)).ToDictionary(t => t.i.ToString(System.Globalization.CultureInfo.InvariantCulture), t => t.c),
            TrainTokens = trainTokens,
            ValTokens = valTokens,
        };
        progress?.Report($"train {trainTokens:N0} tokens, val {valTokens:N0} tokens");
        if (tokenizer is CharTokenizer charTokenizer)
        {
            charTokenizer.Save(Path.Combine(output.Staging, VocabFile));
            var pickle = NanoGptPickle.Encode(charTokenizer.VocabSize, charTokenizer.Itos);
            AtomicFile.Write(Path.Combine(output.Staging, NanoGptPickle.FileName), stream => stream.Write(pickle));
        }
        meta.Save(output.Staging);
        cancellationToken.ThrowIfCancellationRequested();
        output.Commit();
        return meta;
    }

    private static StreamReader OpenText(TextDatasetOptions options, out Readers.Utf8CheckingStream checking)
    {
        checking = new Readers.Utf8CheckingStream(Readers.DataFile.OpenRead(options.InputPath), options.InputPath, options.InvalidUtf8);
        return new StreamReader(checking, new System.Text.UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
    }

    /// <summary>Encodes the text of <paramref name="reader"/> chunk by chunk, in order (one chunk in memory at a time).</summary>
    private static IEnumerable<int[]> Encode(Tokenizer tokenizer, TextReader reader, CancellationToken cancellationToken)
    {
        foreach (var chunk in TextChunker.Split(reader))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return tokenizer.EncodeToIds(chunk.Span);
        }
    }

    /// <summary>The character vocabulary written beside <c>meta.json</c> for <c>char</c> datasets (load it with <c>char:&lt;path&gt;</c>).</summary>
    public const string VocabFile = "vocab.json";

    private static Tokenizer LoadTokenizer(string spec)
    {
        try
        {
            return Tokenizer.FromName(spec);
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException)
        {
            throw new TrmDataException($"cannot load tokenizer '{spec}': {e.Message}", e);
        }
    }
}
