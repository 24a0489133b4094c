namespace Trm.Model.Tests;

/// <summary>The Q-learning variant (NoActContinue = false): halting on q_halt &gt; q_continue and the bootstrapped target.</summary>
[TestFixture]
public sealed class ActContinueTests
{
    private static TrmModel Build(double haltBias, double continueBias)
    {
        var config = TestModels.Tiny(haltMaxSteps: 4) with { NoActContinue = false };
        var model = new TrmModel(config, new Generator(21));
        TestModels.Perturb(model, 22);
        using var noGrad = NoGrad();
        var named = model.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
        named["inner.q_head.bias"].CopyFrom_(FromArray(new[] { (float)haltBias, (float)continueBias }, 2));
        return model;
    }

    [TestCase(2.0, 1.0, true)]
    [TestCase(1.0, 2.0, false)]
    public void HaltsWhenHaltBeatsContinue(double haltBias, double continueBias, bool halts)
    {
        using var scope = NewDisposeScope();
        using var model = Build(haltBias, continueBias);
        using (NoGrad())
        {
            model.NamedParameters().Single(p => p.Key == "inner.q_head.weight").Value.Zero_();
        }

        model.Train();
        using var batch = TestModels.Batch(model.Config, rows: 2);
        using var carry = model.InitialCarry(batch);
        var (next, _) = model.Forward(carry, batch);
        Assert.That(next.Halted.ToArray<bool>(), Is.EqualTo(new[] { halts, halts }));
        next.Dispose();
    }

    [Test]
    public void TargetIsTheSigmoidOfTheBestNextQValueAndEntersTheLoss()
    {
        using var scope = NewDisposeScope();
        using var model = Build(-5, 5); // continue everywhere: no row halts before the limit
        var head = new ActLossHead(model);
        head.Train();
        using var batch = TestModels.Batch(model.Config, rows: 3);
        using var carry = head.InitialCarry(batch);
        using var step = head.Forward(carry, batch);
        Assert.That(step.Carry.Halted.ToArray<bool>(), Is.All.False);
        var target = step.Outputs.TargetQContinue!.ToArray<float>();

        // The next step from the new carry computes exactly the "next" Q values the target was built from.
        using var noGrad = NoGrad();
        var (after, nextOutputs) = model.Forward(step.Carry, batch);
        var nextHalt = nextOutputs.QHaltLogits.ToArray<float>();
        var nextContinue = nextOutputs.QContinueLogits.ToArray<float>();
        for (int r = 0; r < 3; r++)
        {
            double best = Math.Max(nextHalt[r], nextContinue[r]);
            Assert.That(target[r], Is.EqualTo(1 / (1 + Math.Exp(-best))).Within(1e-6), $"row {r}");
        }

        double lm = step.Metrics["lm_loss"].To(DType.Float64).Item<double>();
        double qHalt = step.Metrics["q_halt_loss"].To(DType.Float64).Item<double>();
        double qContinue = step.Metrics["q_continue_loss"].To(DType.Float64).Item<double>();
        Assert.That(qContinue, Is.GreaterThan(0));
        Assert.That(step.Loss.To(DType.Float64).Item<double>(), Is.EqualTo(lm + 0.5 * (qHalt + qContinue)).Within(1e-6)); // q terms are float32
        after.Dispose();
        step.Carry.Dispose();
    }

    [Test]
    public void EvaluationProducesNoTarget()
    {
        using var scope = NewDisposeScope();
        using var model = Build(-5, 5);
        model.Eval();
        using var batch = TestModels.Batch(model.Config, rows: 2);
        using var carry = model.InitialCarry(batch);
        using var noGrad = NoGrad();
        var (next, outputs) = model.Forward(carry, batch);
        Assert.That(outputs.TargetQContinue, Is.Null);
        next.Dispose();
    }
}
