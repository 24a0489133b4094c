namespace Trm.Tokenization.Interop;

/// <summary>Views a Trm <see cref="Tokenizer"/> as a <c>Microsoft.ML.Tokenizers.Tokenizer</c>.</summary>
public static class TokenizerInteropExtensions
{
    /// <summary>
    /// Wraps <paramref name="tokenizer"/> as a <c>Microsoft.ML.Tokenizers.Tokenizer</c> (same ids, same speed).
    /// </summary>
    /// <param name="tokenizer">The tokenizer to wrap, e.g. <c>Gpt2Tokenizer.Create()</c> or a <see cref="CharTokenizer"/>.</param>
    /// <param name="allowedSpecialTokens">Special tokens recognised in encoded text; default none (their spelling is text).</param>
    /// <example><code>
    /// Microsoft.ML.Tokenizers.Tokenizer ml = Gpt2Tokenizer.Create().AsMLTokenizer();
    /// IReadOnlyList&lt;int&gt; ids = ml.EncodeToIds("Hello world");   // [15496, 995]
    /// </code></example>
    public static MLTokenizerAdapter AsMLTokenizer(this Tokenizer tokenizer, AllowedSpecialTokens? allowedSpecialTokens = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return new MLTokenizerAdapter(tokenizer, allowedSpecialTokens ?? AllowedSpecialTokens.None);
    }
}
