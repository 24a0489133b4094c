using Microsoft.Extensions.DependencyInjection.Extensions;
using Trm.Tokenization;
using Trm.Tokenization.DependencyInjection;

// The .NET convention for registration extensions: found wherever IServiceCollection is, without another using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Trm.Tokenization's services in a dependency-injection container.</summary>
public static class TokenizationServiceCollectionExtensions
{
    /// <summary>
    /// Registers the GPT-2 tokenizer as a singleton (<see cref="Gpt2Tokenizer"/>, the shared instance of
    /// <see cref="Gpt2Tokenizer.Create()"/>; its vocabulary loads on first use) and an <see cref="ITokenizerFactory"/> for
    /// tokenizers by spec and character tokenizers built from a corpus.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddTrmTokenizers(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(_ => Gpt2Tokenizer.Create());
        services.TryAddSingleton<ITokenizerFactory, TokenizerFactory>();
        return services;
    }
}
