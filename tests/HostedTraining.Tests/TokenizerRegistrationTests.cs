using Microsoft.Extensions.DependencyInjection;
using Trm.Tokenization;

namespace HostedTraining.Tests;

/// <summary><c>AddTrmTokenizers</c>: the shared GPT-2 tokenizer and the tokenizer factory.</summary>
public sealed class TokenizerRegistrationTests
{
    [Test]
    public void Gpt2IsTheSharedSingletonAndEncodesAsTiktoken()
    {
        using var services = new ServiceCollection().AddTrmTokenizers().BuildServiceProvider();

        var gpt2 = services.GetRequiredService<Gpt2Tokenizer>();

        Assert.That(gpt2, Is.SameAs(Gpt2Tokenizer.Create()));
        Assert.That(services.GetRequiredService<ITokenizerFactory>().Create("gpt2"), Is.SameAs(gpt2));
        Assert.That(gpt2.EncodeToIds("hello world"), Is.EqualTo(new[] { 31373, 995 }));
    }

    [Test]
    public void TheFactoryBuildsCharacterTokenizers()
    {
        using var services = new ServiceCollection().AddTrmTokenizers().BuildServiceProvider();

        var chars = services.GetRequiredService<ITokenizerFactory>().CreateChar(["banana"]);

        Assert.That(chars.Itos, Is.EqualTo(new[] { "a", "b", "n" }));
        Assert.That(chars.EncodeToIds("nab"), Is.EqualTo(new[] { 2, 0, 1 }));
    }
}
