using Trm.Model.Language;

namespace Trm.Model.Tests.Language;

/// <summary>
/// The causal language-model path: KV-cached logits equal full recomputation at every generated position (plain and
/// recursive TRM, ACT steps &gt; 1, the plain transformer), padding changes nothing, and no position sees a later token.
/// </summary>
[TestFixture]
public sealed class LanguageModelTests
{
    private const int Vocab = 13;

    internal static TrmConfig Tiny(int hCycles, int lCycles, int haltMaxSteps, PositionEncoding positions = PositionEncoding.Rope) => TrmConfig.Chat with
    {
        VocabSize = Vocab,
        SeqLen = 16,
        HiddenSize = 16,
        NumHeads = 2,
        Expansion = 2,
        LLayers = 2,
        HCycles = hCycles,
        LCycles = lCycles,
        HaltMaxSteps = haltMaxSteps,
        HaltExplorationProb = 0,
        PosEncodings = positions,
        ForwardDType = DType.Float32,
    };

    private static readonly long[] Sequence = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8];

    public static IEnumerable<TestCaseData> Models()
    {
        yield return new TestCaseData("plain TRM (H=1, L=1, 1 step)", 1, 1, 1, false, PositionEncoding.Rope);
        yield return new TestCaseData("recursive TRM (H=3, L=4, 2 ACT steps)", 3, 4, 2, false, PositionEncoding.Rope);
        yield return new TestCaseData("recursive TRM, learned positions", 2, 2, 1, false, PositionEncoding.Learned);
        yield return new TestCaseData("plain transformer", 1, 1, 1, true, PositionEncoding.Rope);
    }

    private static ICausalLanguageModel Build(int h, int l, int steps, bool plain, PositionEncoding positions)
    {
        var config = Tiny(h, l, steps, positions);
        Trm.Torch.Nn.Module model = plain ? new PlainTransformer(config, new Generator(7)) : new TrmModel(config, new Generator(7));
        model.Eval();
        return (ICausalLanguageModel)model;
    }

    [Test]
    public void HiddenStatesThroughTheHeadAreTheLogits()
    {
        // LmHidden is LmForward without the head: the head (lm_head, no bias) applied to the states gives the logits,
        // with padding on the left as well.
        using var model = new TrmModel(Tiny(2, 2, 2), new Generator(7));
        model.Eval();
        using var scope = NewDisposeScope();
        using var noGrad = NoGrad();
        var ids = FromArray(new long[] { 0, 0, 3, 1, 4, 1 }, 1, 6);
        var mask = FromArray(new[] { false, false, true, true, true, true }, 1, 6);
        var head = model.NamedParameters().Single(p => p.Key.EndsWith("lm_head.weight", StringComparison.Ordinal)).Value;
        var hidden = model.LmHidden(ids, mask);
        Assert.That(hidden.Shape, Is.EqualTo(new long[] { 1, 6, 16 }));
        var logits = model.LmForward(ids, mask);
        Assert.That(hidden.MatMul(head.Transpose(0, 1)).Narrow(1, 2, 4).AllClose(logits.Narrow(1, 2, 4), 1e-5, 1e-5), Is.True);
    }

    [TestCaseSource(nameof(Models))]
    public void CachedLogitsEqualFullRecomputationAtEveryPosition(string name, int h, int l, int steps, bool plain, PositionEncoding positions)
    {
        var model = Build(h, l, steps, plain, positions);
        using var disposeModel = (IDisposable)model;
        using var scope = NewDisposeScope();
        using var noGrad = NoGrad();
        using var full = model.LmForward(FromArray(Sequence, 1, Sequence.Length));

        using var cache = model.CreateKvCache(1);
        const int prompt = 5;
        var pieces = new List<Tensor> { model.LmForward(FromArray(Sequence[..prompt], 1, prompt), cache: cache) };
        for (int t = prompt; t < Sequence.Length; t++)
        {
            pieces.Add(model.LmForward(FromArray(new[] { Sequence[t] }, 1, 1), cache: cache));
        }

        Assert.That(cache.Length, Is.EqualTo(Sequence.Length));
        var cached = Cat(pieces, 1);
        // float32 rounding of differently shaped products, growing with the applications of the stack (2 to 30 here).
        double tolerance = h * l * steps > 1 ? 5e-5 : 1e-5;
        Closeness.AssertClose(cached, full, tolerance, name);
        // Every generated position on its own, too.
        for (int t = prompt; t < Sequence.Length; t++)
        {
            Closeness.AssertClose(cached.Narrow(1, t, 1), full.Narrow(1, t, 1), tolerance, $"{name}, position {t}");
        }
        if (!plain) Assert.That(cache.SlotCount, Is.EqualTo(steps * h * (l + 1) * 2), "one slot per application of each layer");
    }

    [TestCaseSource(nameof(Models))]
    public void LeftAndRightPaddedRowsEqualTheRowsAlone(string name, int h, int l, int steps, bool plain, PositionEncoding positions)
    {
        var model = Build(h, l, steps, plain, positions);
        using var disposeModel = (IDisposable)model;
        using var scope = NewDisposeScope();
        using var noGrad = NoGrad();
        long[] shortRow = [7, 2, 9];
        long[] longRow = [1, 2, 3, 4, 5, 6];
        var aloneShort = model.LmForward(FromArray(shortRow, 1, 3));
        var aloneLong = model.LmForward(FromArray(longRow, 1, 6));

        // Left padding (prompts for generation): the short row's tokens sit at the end.
        var left = model.LmForward(FromArray(new long[] { 0, 0, 0, 7, 2, 9, 1, 2, 3, 4, 5, 6 }, 2, 6),
            FromArray(new long[] { 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1 }, 2, 6));
        Closeness.AssertClose(left.Narrow(0, 0, 1).Narrow(1, 3, 3), aloneShort, 1e-5, $"{name}, left-padded row");
        Closeness.AssertClose(left.Narrow(0, 1, 1), aloneLong, 1e-5, $"{name}, full row beside a padded one");

        // Right padding (training batches).
        var right = model.LmForward(FromArray(new long[] { 7, 2, 9, 0, 0, 0 }, 1, 6), FromArray(new long[] { 1, 1, 1, 0, 0, 0 }, 1, 6));
        Closeness.AssertClose(right.Narrow(1, 0, 3), aloneShort, 1e-5, $"{name}, right-padded row");
        Assert.That(right.IsNan().Any().Item<bool>(), Is.False, "padding positions give finite logits");

        // Left-padded prompt, then generation through the cache.
        using var cache = model.CreateKvCache(2);
        model.LmForward(FromArray(new long[] { 0, 0, 0, 7, 2, 9, 1, 2, 3, 4, 5, 6 }, 2, 6),
            FromArray(new long[] { 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1 }, 2, 6), cache);
        var next = model.LmForward(FromArray(new long[] { 4, 7 }, 2, 1), cache: cache);
        var expectShort = model.LmForward(FromArray(new long[] { 7, 2, 9, 4 }, 1, 4)).Narrow(1, 3, 1);
        var expectLong = model.LmForward(FromArray(new long[] { 1, 2, 3, 4, 5, 6, 7 }, 1, 7)).Narrow(1, 6, 1);
        Closeness.AssertClose(next.Narrow(0, 0, 1), expectShort, 1e-5, $"{name}, cached step after left padding (short row)");
        Closeness.AssertClose(next.Narrow(0, 1, 1), expectLong, 1e-5, $"{name}, cached step after left padding (long row)");
    }

    [TestCaseSource(nameof(Models))]
    public void ChangingALaterTokenNeverChangesEarlierLogits(string name, int h, int l, int steps, bool plain, PositionEncoding positions)
    {
        var model = Build(h, l, steps, plain, positions);
        using var disposeModel = (IDisposable)model;
        using var scope = NewDisposeScope();
        using var noGrad = NoGrad();
        var original = model.LmForward(FromArray(Sequence, 1, Sequence.Length)).ToArray<float>();
        for (int k = 1; k < Sequence.Length; k += 4)
        {
            var changed = (long[])Sequence.Clone();
            changed[k] = (changed[k] + 5) % Vocab;
            var logits = model.LmForward(FromArray(changed, 1, changed.Length)).ToArray<float>();
            Assert.That(logits[..(k * Vocab)], Is.EqualTo(original[..(k * Vocab)]), $"{name}: positions before {k}");
            Assert.That(logits[(k * Vocab)..((k + 1) * Vocab)], Is.Not.EqualTo(original[(k * Vocab)..((k + 1) * Vocab)]), $"{name}: position {k} sees its own token");
        }
    }

    [Test]
    public void GradientsFlowThroughTheLanguageModelPass()
    {
        using var model = new TrmModel(Tiny(2, 2, 1));
        using var scope = NewDisposeScope();
        var logits = model.LmForward(FromArray(Sequence[..^1], 1, Sequence.Length - 1));
        var loss = F.CrossEntropy(logits.View(-1, Vocab), FromArray(Sequence[1..], Sequence.Length - 1));
        loss.Backward();
        Assert.That(model.NamedParameters().Where(p => p.Value.Grad is null).Select(p => p.Key),
            Is.EquivalentTo(new[] { "inner.q_head.weight", "inner.q_head.bias" }));
    }

    [Test]
    public void PresetsAreTheForksChatConfigs()
    {
        var chat = TrmConfig.Chat;
        Assert.That((chat.Causal, chat.HCycles, chat.LCycles, chat.LLayers, chat.HiddenSize, chat.NumHeads, chat.Expansion, chat.HaltMaxSteps, chat.HaltExplorationProb),
            Is.EqualTo((true, 1, 1, 4, 384, 12, 4.0, 1, 0.0)));
        Assert.That((chat.EffectivePuzzleEmbNdim, chat.PuzzleEmbPositions, chat.RopeTheta, chat.ForwardDType, chat.MlpT), Is.EqualTo((0, 0, 10000.0, DType.BFloat16, false)));
        var recursive = TrmConfig.ChatRecursive;
        Assert.That((recursive.HCycles, recursive.LCycles, recursive.HaltMaxSteps, recursive.HaltExplorationProb, recursive.Causal, recursive.LLayers),
            Is.EqualTo((3, 4, 16, 0.1, true, 4)));
        Assert.DoesNotThrow(() => (chat with { VocabSize = 50262, SeqLen = 512 }).Validate());
    }

    [Test]
    public void ParameterCountsMatchTheBuiltModelsAndSizeTheBaseline()
    {
        var trm = Tiny(3, 4, 2);
        using var model = new TrmModel(trm);
        Assert.That(PlainTransformer.CountParameters(trm, recursive: true), Is.EqualTo(model.ParameterCount()));
        var sized = PlainTransformer.SizedLike(trm);
        using var plain = new PlainTransformer(sized);
        Assert.That(PlainTransformer.CountParameters(sized), Is.EqualTo(plain.ParameterCount()));
        Assert.That(sized.LLayers, Is.EqualTo(trm.LLayers), "same width: same depth, the recursion reuses its stack");
        // A chat-sized TRM (vocabulary 1,000, width 384, 4 layers): a width-256 baseline needs more layers.
        var chat = TrmConfig.Chat with { VocabSize = 1000, SeqLen = 64 };
        var narrow = PlainTransformer.SizedLike(chat, hiddenSize: 256);
        Assert.That(narrow.LLayers, Is.GreaterThan(chat.LLayers));
        long a = PlainTransformer.CountParameters(chat, true), b = PlainTransformer.CountParameters(narrow);
        Assert.That(Math.Abs(a - b), Is.LessThan(PlainTransformer.CountParameters(narrow with { LLayers = 1 }) - 2L * 1000 * 256), "within one layer");
    }

    [Test]
    public void PuzzleModelsAndOverlongInputsAreRefused()
    {
        using var puzzle = new TrmModel(TestModels.Tiny() with { Causal = true });
        using var scope = NewDisposeScope();
        Assert.Throws<InvalidOperationException>(() => puzzle.LmForward(FromArray(new long[] { 1, 2 }, 1, 2)));
        using var model = new TrmModel(Tiny(1, 1, 1));
        Assert.Throws<InvalidOperationException>(() => model.LmForward(Zeros([1, 17], DType.Int64)));
        using var cache = model.CreateKvCache(1, capacity: 4);
        model.LmForward(Zeros([1, 3], DType.Int64), cache: cache);
        Assert.Throws<InvalidOperationException>(() => model.LmForward(Zeros([1, 2], DType.Int64), cache: cache));
    }
}
