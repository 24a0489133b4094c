using Trm.Inference.Generation;
using Trm.Model;
using Trm.Model.Language;
using Trm.Tokenization;
using Trm.Torch;
using static Trm.Torch.Engine;

namespace Trm.Inference.Tests.Generation;

/// <summary>Generation on small random models: cache = recomputation, batching, seeds, stops, streaming, no memory growth.</summary>
public sealed class TextGeneratorTests
{
    private static readonly Tokenizer Chars = CharTokenizer.Build("abcdefghijklmnopqrstuvwxyz .,!?");

    private static TrmConfig Config(bool recursive) => TrmConfig.Chat with
    {
        VocabSize = Chars.VocabSize,
        SeqLen = 48,
        HiddenSize = 16,
        NumHeads = 2,
        Expansion = 2,
        LLayers = 2,
        HCycles = recursive ? 3 : 1,
        LCycles = recursive ? 4 : 1,
        HaltMaxSteps = recursive ? 2 : 1,
        HaltExplorationProb = 0,
        ForwardDType = DType.Float32,
    };

    private static TextGenerator Generator(ICausalLanguageModel model, bool cache = true) =>
        TextGenerator.CreateBuilder().WithModel(model).WithTokenizer(Chars).WithKvCache(cache).Build();

    [TestCase(false)]
    [TestCase(true)]
    public void CachedGenerationEqualsFullRecomputation(bool recursive)
    {
        using var model = new TrmModel(Config(recursive), new Generator(3));
        var prompts = new[] { Chars.EncodeToIds("hello wor"), Chars.EncodeToIds("abc") };
        var options = GenerationOptions.Greedy with { MaxNewTokens = 20 };
        var cached = Generator(model).Generate(prompts, options);
        var recomputed = Generator(model, cache: false).Generate(prompts, options);
        for (int r = 0; r < prompts.Length; r++)
        {
            Assert.That(cached[r].TokenIds, Is.EqualTo(recomputed[r].TokenIds), $"row {r}");
            Assert.That(cached[r].LogProbabilities, Is.EqualTo(recomputed[r].LogProbabilities).Within(1e-4), $"row {r}");
            Assert.That(cached[r].FinishReason, Is.EqualTo(GenerationFinishReason.Length));
            Assert.That(cached[r].TokenIds, Has.Count.EqualTo(20));
        }
    }

    [Test]
    public void BatchedRowsEqualTheRowsAloneWithTheirOwnStops()
    {
        using var model = new TrmModel(Config(false), new Generator(4));
        var generator = Generator(model);
        var prompts = new[] { Chars.EncodeToIds("the cat"), Chars.EncodeToIds("a"), Chars.EncodeToIds("zebra crossing") };
        var options = GenerationOptions.Greedy with { MaxNewTokens = 12 };
        var alone = prompts.Select(p => generator.Generate([p], options)[0]).ToArray();

        // Stop each row on a token it actually produces, at different places.
        var stopToken = alone[1].TokenIds[4];
        var stopped = options with { StopTokens = [stopToken] };
        var batched = generator.Generate(prompts, stopped);
        for (int r = 0; r < prompts.Length; r++)
        {
            var expected = generator.Generate([prompts[r]], stopped)[0];
            Assert.That(batched[r].TokenIds, Is.EqualTo(expected.TokenIds), $"row {r}");
            Assert.That(batched[r].Text, Is.EqualTo(expected.Text));
            Assert.That(batched[r].LogProbabilities, Is.EqualTo(expected.LogProbabilities).Within(1e-4));
            int at = alone[r].TokenIds.ToList().IndexOf(stopToken);
            Assert.That(batched[r].FinishReason, Is.EqualTo(at >= 0 ? GenerationFinishReason.StopToken : GenerationFinishReason.Length));
            Assert.That(batched[r].TokenIds, Is.EqualTo(at >= 0 ? alone[r].TokenIds.Take(at + 1) : alone[r].TokenIds));
            Assert.That(batched[r].Text, Is.EqualTo(Chars.Decode(alone[r].TokenIds.Take(at >= 0 ? at : 12))), "stop token left out of the text");
        }
    }

    [Test]
    public void LogProbabilitiesAreTheModelsOwn()
    {
        using var model = new TrmModel(Config(false), new Generator(5));
        var prompt = Chars.EncodeToIds("abc");
        var result = Generator(model).Generate([prompt], new GenerationOptions { Temperature = 1.5, TopK = 5, Seed = 9, MaxNewTokens = 6 })[0];
        using var scope = NewDisposeScope();
        using var noGrad = NoGrad();
        var all = prompt.Concat(result.TokenIds).Select(i => (long)i).ToArray();
        var logProbs = model.LmForward(Tensors.FromArray(all, 1, all.Length)).LogSoftmax(-1);
        for (int i = 0; i < result.TokenIds.Count; i++)
        {
            float expected = logProbs.Select(1, prompt.Length - 1 + i).Select(1, result.TokenIds[i]).Item<float>();
            Assert.That(result.LogProbabilities[i], Is.EqualTo(expected).Within(1e-4));
        }
    }

    [Test]
    public void SeedsMakeSamplingReproducible()
    {
        using var model = new TrmModel(Config(false), new Generator(6));
        var generator = Generator(model);
        var options = new GenerationOptions { Temperature = 1.0, Seed = 1234567890123L, MaxNewTokens = 16 };
        var a = generator.Generate("hello", options);
        var b = generator.Generate("hello", options);
        var c = generator.Generate("hello", options with { Seed = 42 });
        Assert.That(b.TokenIds, Is.EqualTo(a.TokenIds));
        Assert.That(c.TokenIds, Is.Not.EqualTo(a.TokenIds));
    }

    [Test]
    public async Task StreamingYieldsTheSameTokensAndTextAndCutsStopStrings()
    {
        using var model = new TrmModel(Config(false), new Generator(7));
        var generator = Generator(model);
        var greedy = GenerationOptions.Greedy with { MaxNewTokens = 16 };
        var full = generator.Generate("the cat", greedy);
        var stop = full.Text.Substring(5, 2);
        var options = greedy with { StopStrings = [stop] };
        var expected = generator.Generate("the cat", options);
        Assert.That(expected.FinishReason, Is.EqualTo(GenerationFinishReason.StopString));
        Assert.That(expected.Text, Is.EqualTo(full.Text[..full.Text.IndexOf(stop, StringComparison.Ordinal)]));

        var tokens = new List<GeneratedToken>();
        await foreach (var token in generator.GenerateStreamingAsync("the cat", options)) tokens.Add(token);
        Assert.That(tokens.Select(t => t.TokenId), Is.EqualTo(expected.TokenIds));
        Assert.That(string.Concat(tokens.Select(t => t.Text)), Is.EqualTo(expected.Text), "streamed text never shows the stop string");
        Assert.That(tokens[^1].FinishReason, Is.EqualTo(GenerationFinishReason.StopString));
        Assert.That(tokens.Take(tokens.Count - 1).All(t => t.FinishReason is null));
        Assert.That(IsGradEnabled, Is.True, "grad mode is set per model call, never left behind on a thread the stream resumed on");
    }

    [Test]
    public void ContextFullStopsAtTheModelsPositions()
    {
        using var model = new TrmModel(Config(false), new Generator(8));
        var prompt = Enumerable.Repeat(Chars.EncodeToIds("a")[0], 40).ToArray();
        var result = Generator(model).Generate([prompt], GenerationOptions.Greedy with { MaxNewTokens = 100 })[0];
        Assert.That(result.FinishReason, Is.EqualTo(GenerationFinishReason.ContextFull));
        Assert.That(prompt.Length + result.TokenIds.Count, Is.EqualTo(48));
    }

    [Test]
    public void LongGenerationKeepsNativeMemoryFlat()
    {
        using var model = new TrmModel(Config(true), new Generator(9));
        var generator = Generator(model);
        var options = new GenerationOptions { Temperature = 0.8, TopP = 0.9, Seed = 1, MaxNewTokens = 30 };
        generator.Generate([Chars.EncodeToIds("warm"), Chars.EncodeToIds("up")], options);
        long before = LiveTensorCount;
        for (int i = 0; i < 3; i++) generator.Generate([Chars.EncodeToIds("abc"), Chars.EncodeToIds("de")], options);
        Assert.That(LiveTensorCount, Is.EqualTo(before));
    }

    [Test]
    public void PlainTransformerGeneratesThroughTheSameCache()
    {
        using var model = new PlainTransformer(Config(false), new Generator(10));
        var options = GenerationOptions.Greedy with { MaxNewTokens = 10 };
        var cached = Generator(model).Generate("abc", options);
        var recomputed = Generator(model, cache: false).Generate("abc", options);
        Assert.That(cached.TokenIds, Is.EqualTo(recomputed.TokenIds));
    }
}
