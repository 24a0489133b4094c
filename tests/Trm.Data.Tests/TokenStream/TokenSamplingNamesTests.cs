using Trm.Data.TokenStream;

namespace Trm.Data.Tests.TokenStream;

public class TokenSamplingNamesTests
{
    [TestCase("single", TokenSamplingMode.Single)]
    [TestCase("multidataset", TokenSamplingMode.MultiDataset)]
    [TestCase("multi_context", TokenSamplingMode.MultiContext)]
    public void ParsesModes(string name, TokenSamplingMode expected) => Assert.That(TokenSamplingNames.ParseMode(name), Is.EqualTo(expected));

    [TestCase("random", TokenSamplingMethod.Random)]
    [TestCase("Sequential", TokenSamplingMethod.Sequential)]
    [TestCase("without_replacement", TokenSamplingMethod.WithoutReplacement)]
    public void ParsesMethods(string name, TokenSamplingMethod expected) => Assert.That(TokenSamplingNames.ParseMethod(name), Is.EqualTo(expected));

    [Test]
    public void ParsesProbabilitiesAndRejectsNonsense()
    {
        Assert.That(TokenSamplingNames.ParseProbabilities("[0.7, 0.3]"), Is.EqualTo(new[] { 0.7, 0.3 }));
        Assert.That(TokenSamplingNames.ParseProbabilities("1,2,1"), Is.EqualTo(new[] { 1.0, 2.0, 1.0 }));
        Assert.That(Assert.Throws<TrmDataException>(() => TokenSamplingNames.ParseProbabilities("0.5,-1"))!.Message, Is.EqualTo("sampling probability '-1' is not a non-negative number"));
        Assert.That(Assert.Throws<TrmDataException>(() => TokenSamplingNames.ParseMode("multi"))!.Message, Is.EqualTo("unknown training mode 'multi' (expected single, multidataset or multicontext)"));
    }
}
