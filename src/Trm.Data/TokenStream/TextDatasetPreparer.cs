using Trm.Tokenization;

namespace Trm.Data.TokenStream;

/// <summary>
/// Prepares a token-stream dataset in the nanoGPT layout from raw text: the first <c>1 - ValFraction</c> of the
/// characters go to <c>train.bin</c>, the rest to <c>val.bin</c>, each tokenized on its own (as nanoGPT's prepare
/// scripts do), plus <c>meta.json</c>.
/// </summary>
public static class TextDatasetPreparer
{
    /// <summary>Prepares the dataset and returns its metadata.</summary>
    /// <exception cref="TrmDataException">The input is missing, empty, or the options are invalid.</exception>
    public static TokenStreamMeta Prepare(TextDatasetOptions options, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        if (options.ValFraction is < 0 or >= 1)
            throw new TrmDataException($"val fraction must be in [0, 1), got {options.ValFraction}");
        if (!File.Exists(options.InputPath))
            throw new TrmDataException("file not found", options.InputPath, null, null);
        string text;
        long invalidUtf8;
        using (var checking = new Readers.Utf8CheckingStream(Readers.DataFile.OpenRead(options.InputPath), options.InputPath, options.InvalidUtf8))
        using (var reader = new StreamReader(checking, new System.Text.UTF8Encoding(false, true), detectEncodingFromByteOrderMarks: false))
        {
            text = reader.ReadToEnd();
            invalidUtf8 = checking.InvalidSequences;
        }
        if (text.Length > 0 && text[0] == '\uFEFF')
            text = text[1..]; // byte order mark
        if (invalidUtf8 > 0)
            progress?.Report($"{invalidUtf8} invalid UTF-8 sequences {(options.InvalidUtf8 == Readers.InvalidUtf8Policy.Replace ? "replaced with U+FFFD" : "dropped")}");
        if (text.Length == 0)
            throw new TrmDataException("the input text is empty", options.InputPath, null, null);
        var split = SplitPoint(text, options.ValFraction);
        var trainText = text[..split];
        var valText = text[split..];
        cancellationToken.ThrowIfCancellationRequested();

        Tokenizer tokenizer = string.Equals(options.Tokenizer, "char", StringComparison.OrdinalIgnoreCase)
            ? CharTokenizer.Build(text)
            : LoadTokenizer(options.Tokenizer);
        if (tokenizer is CharTokenizer chars)
            progress?.Report($"char vocabulary: {chars.CharacterCount} symbols");
        var train = ParallelEncoder.EncodeText(tokenizer, trainText, cancellationToken);
        var val = ParallelEncoder.EncodeText(tokenizer, valText, cancellationToken);
        var meta = new TokenStreamMeta
        {
            VocabSize = tokenizer.VocabSize,
            Tokenizer = tokenizer.Name,
            Dtype = TokenDtypes.ForVocabSize(tokenizer.VocabSize).Name(),
            Stoi = (tokenizer as CharTokenizer)?.Stoi,
            Itos = (tokenizer as CharTokenizer)?.Itos.Select((c, i) => (c, i)).ToDictionary(t => t.i.ToString(System.Globalization.CultureInfo.InvariantCulture), t => t.c),
        };
        meta = meta with { TrainTokens = train.Length, ValTokens = val.Length };
        progress?.Report($"train {train.Length:N0} tokens, val {val.Length:N0} tokens");

        // Written into a staging sibling and swapped in at the end: the previous dataset stays readable until then.
        using var output = new AtomicDirectory(options.OutputDirectory);
        var dtype = meta.TokenDtype;
        TokenStreamFile.Write(Path.Combine(output.Staging, TokenStreamDataset.TrainFile), train, dtype);
        BuildFaults.At("text:train-written");
        TokenStreamFile.Write(Path.Combine(output.Staging, TokenStreamDataset.ValFile), val, dtype);
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

    /// <summary>nanoGPT's split: <c>int(n * (1 - val_fraction))</c> characters (code points) go to train.</summary>
    internal static int SplitPoint(string text, double valFraction)
    {
        var scalars = 0L;
        foreach (var _ in text.EnumerateRunes())
            scalars++;
        var trainScalars = (long)Math.Floor(scalars * (1.0 - valFraction));
        var index = 0;
        for (long seen = 0; seen < trainScalars; seen++)
            index += char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]) ? 2 : 1;
        return index;
    }
}
