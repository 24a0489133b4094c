namespace Trm.Tokenization.DependencyInjection;

/// <summary>The <see cref="ITokenizerFactory"/> registered by <c>AddTrmTokenizers</c>: the static factories, behind an interface.</summary>
internal sealed class TokenizerFactory : ITokenizerFactory
{
    public Tokenizer Create(string spec) => Tokenizer.FromName(spec);

    public CharTokenizer CreateChar(IEnumerable<string> corpus, UnknownCharPolicy unknownPolicy = UnknownCharPolicy.Throw) =>
        CharTokenizer.Build(corpus, unknownPolicy);
}
