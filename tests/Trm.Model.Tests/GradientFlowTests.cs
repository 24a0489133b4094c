namespace Trm.Model.Tests;

/// <summary>Only the last of the H cycles carries gradients (deep supervision's one-step gradient).</summary>
[TestFixture]
public sealed class GradientFlowTests
{
    private static Dictionary<string, float[]> TrainGrads(TrmModel model, TrmCarry carry, TrmBatch batch)
    {
        // The head is not disposed: disposing a module disposes its sub-modules (the model is reused).
        var head = new ActLossHead(model);
        head.Train();
        head.ZeroGrad();
        using var result = head.Forward(carry, batch);
        result.Loss.Backward();
        result.Carry.Dispose();
        var grads = head.NamedParameters().Where(p => p.Value.Grad is not null)
            .ToDictionary(p => p.Key, p => p.Value.Grad!.ToArray<float>());
        grads["puzzle_emb.local_weights"] = model.PuzzleEmbedding!.LocalWeights!.Grad!.ToArray<float>();
        return grads;
    }

    [TestCase(false)]
    [TestCase(true)]
    public void GradientsEqualThoseOfOneCycleStartedFromTheDetachedState(bool mlpT)
    {
        using var scope = NewDisposeScope();
        var config3 = TestModels.Tiny(mlpT, hCycles: 3);
        using var model3 = new TrmModel(config3, new Generator(11));
        TestModels.Perturb(model3, 12);
        using var model2 = new TrmModel(config3 with { HCycles = 2 });
        using var model1 = new TrmModel(config3 with { HCycles = 1 });
        model2.LoadStateDict(model3.StateDict());
        model1.LoadStateDict(model3.StateDict());
        using var batch = TestModels.Batch(config3, rows: 3);

        // Three cycles from the initial states.
        using var fresh = model3.InitialCarry(batch);
        var full = TrainGrads(model3, fresh, batch);

        // The state after the first two cycles (what the no-grad part of model3 computes) ...
        TrmCarry afterTwo;
        using (NoGrad())
        {
            model2.Train();
            using var start = model2.InitialCarry(batch);
            var (carry2, _) = model2.Forward(start, batch);
            afterTwo = carry2;
        }

        // ... then one cycle with gradients, from that state as a continuing (not halted) example.
        using var continuing = new TrmCarry(
            new TrmInnerCarry(afterTwo.Inner.ZH.Clone(), afterTwo.Inner.ZL.Clone()),
            Zeros([3], DType.Int32).DetachFromDisposeScope(),
            Zeros([3], DType.Bool).DetachFromDisposeScope(),
            new TrmBatch(batch.Inputs.Clone(), batch.Labels.Clone(), batch.PuzzleIdentifiers.Clone()));
        var last = TrainGrads(model1, continuing, batch);
        afterTwo.Dispose();

        Assert.That(full.Keys, Is.EquivalentTo(last.Keys));
        foreach (var (name, grad) in full)
        {
            Assert.That(grad, Is.EqualTo(last[name]).Within(1e-6).Percent, name);
        }

        // And the earlier cycles do matter for the values: the one-cycle model from the initial state differs.
        using var freshAgain = model1.InitialCarry(batch);
        var oneFromStart = TrainGrads(model1, freshAgain, batch);
        Assert.That(oneFromStart["model.inner.lm_head.weight"], Is.Not.EqualTo(full["model.inner.lm_head.weight"]));
    }

    [Test]
    public void CarryLeavesTheStepWithoutGradient()
    {
        using var scope = NewDisposeScope();
        var config = TestModels.Tiny();
        using var model = new TrmModel(config, new Generator(3));
        model.Train();
        using var batch = TestModels.Batch(config, rows: 2);
        using var carry = model.InitialCarry(batch);
        var (next, outputs) = model.Forward(carry, batch);
        Assert.That(next.Inner.ZH.RequiresGrad, Is.False);
        Assert.That(next.Inner.ZL.RequiresGrad, Is.False);
        Assert.That(outputs.Logits.RequiresGrad, Is.True);
        next.Dispose();
    }
}
