namespace Trm.Model.Tests;

/// <summary>The causal option (for language modelling): a position never sees later tokens, through every recursion.</summary>
[TestFixture]
public sealed class CausalAttentionTests
{
    private static float[] LogitsWithLastTokenChanged(bool causal, out float[] original)
    {
        var config = TestModels.Tiny() with { Causal = causal };
        using var model = new TrmModel(config, new Generator(31));
        TestModels.Perturb(model, 32);
        model.Eval();
        using var batch = TestModels.Batch(config, rows: 1);
        var changed = batch.Inputs.ToArray<long>();
        changed[^1] = (changed[^1] + 1) % config.VocabSize;
        using var other = new TrmBatch(FromArray(changed, 1, config.SeqLen), batch.Labels.Clone(), batch.PuzzleIdentifiers.Clone());

        float[] Run(TrmBatch b)
        {
            using var scope = NewDisposeScope();
            using var noGrad = NoGrad();
            using var carry = model.InitialCarry(b);
            var (next, outputs) = model.Forward(carry, b);
            next.Dispose();
            return outputs.Logits.Narrow(1, 0, config.SeqLen - 1).ToArray<float>();
        }

        original = Run(batch);
        return Run(other);
    }

    [Test]
    public void CausalModelKeepsEarlierLogitsWhenTheLastTokenChanges()
    {
        var changed = LogitsWithLastTokenChanged(causal: true, out var original);
        Assert.That(changed, Is.EqualTo(original));
    }

    [Test]
    public void BidirectionalModelLetsEveryPositionSeeTheLastToken()
    {
        var changed = LogitsWithLastTokenChanged(causal: false, out var original);
        Assert.That(changed, Is.Not.EqualTo(original));
    }
}
