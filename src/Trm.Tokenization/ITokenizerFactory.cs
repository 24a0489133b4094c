namespace Trm.Tokenization;

/// <summary>
/// Makes tokenizers for code that receives its dependencies from a container (registered by
/// <c>services.AddTrmTokenizers()</c>): by spec, as <see cref="Tokenizer.FromName"/> does, or a character tokenizer from a
/// corpus. Thread-safe; the tokenizers it returns are immutable and thread-safe.
/// </summary>
public interface ITokenizerFactory
{
    /// <summary>The tokenizer named by <paramref name="spec"/>: <c>gpt2</c> (the one shared instance) or <c>char:&lt;vocab.json&gt;</c> (loaded from the file).</summary>
    /// <param name="spec">The spec, as in dataset metadata and the <c>--tokenizer</c> option.</param>
    /// <exception cref="ArgumentException">The spec names no known tokenizer.</exception>
    Tokenizer Create(string spec);

    /// <summary>A character tokenizer whose vocabulary is the distinct characters of <paramref name="corpus"/>.</summary>
    /// <param name="corpus">The texts.</param>
    /// <param name="unknownPolicy">What happens to characters outside the vocabulary.</param>
    /// <exception cref="ArgumentException">The corpus has no character.</exception>
    CharTokenizer CreateChar(IEnumerable<string> corpus, UnknownCharPolicy unknownPolicy = UnknownCharPolicy.Throw);
}
