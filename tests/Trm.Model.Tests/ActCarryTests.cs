namespace Trm.Model.Tests;

/// <summary>ACT carry semantics: steps, halting, and which rows restart on the new batch.</summary>
[TestFixture]
public sealed class ActCarryTests
{
    private static long[] Longs(Tensor t) => t.To(DType.Int64).ToArray<long>();

    private static bool[] Bools(Tensor t) => t.ToArray<bool>();

    private static void SetHaltBias(TrmModel model, double bias)
    {
        using var noGrad = NoGrad();
        var named = model.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
        named["inner.q_head.weight"].Zero_();
        named["inner.q_head.bias"].Fill_(bias);
    }

    [Test]
    public void EvaluationRunsAllStepsThenRestartsOnTheNewBatch()
    {
        using var scope = NewDisposeScope();
        var config = TestModels.Tiny(haltMaxSteps: 3);
        using var model = new TrmModel(config, new Generator(5));
        TestModels.Perturb(model, 6);
        SetHaltBias(model, 5); // would halt at once in training; evaluation ignores it
        model.Eval();
        using var first = TestModels.Batch(config, rows: 2);
        using var second = TestModels.Batch(config, rows: 2, offset: 3);
        using var noGrad = NoGrad();

        var carry = model.InitialCarry(first);
        Assert.That(Bools(carry.Halted), Is.EqualTo(new[] { true, true }), "a fresh carry is halted everywhere");
        for (int step = 1; step <= 3; step++)
        {
            var (next, _) = model.Forward(carry, step == 1 ? first : second);
            carry.Dispose();
            carry = next;
            Assert.That(Longs(carry.Steps), Is.EqualTo(new long[] { step, step }));
            Assert.That(Bools(carry.Halted), Is.EqualTo(new[] { step == 3, step == 3 }));
            // Rows keep the first batch's example until they halt, whatever batch is offered.
            Assert.That(Longs(carry.CurrentData.Inputs), Is.EqualTo(Longs(first.Inputs)));
        }

        // All halted: the next step loads the second batch and starts over from the initial states.
        var (restarted, outputs) = model.Forward(carry, second);
        Assert.That(Longs(restarted.Steps), Is.EqualTo(new long[] { 1, 1 }));
        Assert.That(Longs(restarted.CurrentData.Inputs), Is.EqualTo(Longs(second.Inputs)));
        Assert.That(Longs(restarted.CurrentData.Labels), Is.EqualTo(Longs(second.Labels)));
        using var freshCarry = model.InitialCarry(second);
        var (_, freshOutputs) = model.Forward(freshCarry, second);
        Assert.That(outputs.Logits.ToArray<float>(), Is.EqualTo(freshOutputs.Logits.ToArray<float>()),
            "a restarted row computes exactly what a fresh carry computes");
        carry.Dispose();
        restarted.Dispose();
    }

    [Test]
    public void OnlyHaltedRowsTakeTheNewExample()
    {
        using var scope = NewDisposeScope();
        var config = TestModels.Tiny(haltMaxSteps: 4);
        using var model = new TrmModel(config, new Generator(7));
        model.Eval();
        using var first = TestModels.Batch(config, rows: 3);
        using var second = TestModels.Batch(config, rows: 3, offset: 1);
        using var noGrad = NoGrad();
        using var start = model.InitialCarry(first);
        var (afterOne, _) = model.Forward(start, first);

        // Hand-made carry: row 1 halted, rows 0 and 2 continue with 1 step taken.
        using var mixed = new TrmCarry(
            new TrmInnerCarry(afterOne.Inner.ZH.Clone().DetachFromDisposeScope(), afterOne.Inner.ZL.Clone().DetachFromDisposeScope()),
            FromArray(new[] { 1, 1, 1 }, 3).DetachFromDisposeScope(),
            FromArray(new[] { false, true, false }, 3).DetachFromDisposeScope(),
            new TrmBatch(first.Inputs.Clone().DetachFromDisposeScope(), first.Labels.Clone().DetachFromDisposeScope(),
                first.PuzzleIdentifiers.Clone().DetachFromDisposeScope()));
        var (next, outputs) = model.Forward(mixed, second);

        Assert.That(Longs(next.Steps), Is.EqualTo(new long[] { 2, 1, 2 }));
        var expectedInputs = Longs(first.Inputs);
        var secondInputs = Longs(second.Inputs);
        Array.Copy(secondInputs, config.SeqLen, expectedInputs, config.SeqLen, config.SeqLen);
        Assert.That(Longs(next.CurrentData.Inputs), Is.EqualTo(expectedInputs));
        Assert.That(Longs(next.CurrentData.PuzzleIdentifiers), Is.EqualTo(new long[] { 0, 2, 2 }));

        // Row 1 restarted: its logits equal those of a fresh carry on the second batch.
        using var fresh = model.InitialCarry(second);
        var (_, freshOutputs) = model.Forward(fresh, second);
        Assert.That(outputs.Logits.Narrow(0, 1, 1).ToArray<float>(), Is.EqualTo(freshOutputs.Logits.Narrow(0, 1, 1).ToArray<float>()));
        // Row 0 continued: its logits differ from a restart's.
        Assert.That(outputs.Logits.Narrow(0, 0, 1).ToArray<float>(), Is.Not.EqualTo(freshOutputs.Logits.Narrow(0, 0, 1).ToArray<float>()));
        afterOne.Dispose();
        next.Dispose();
    }

    [TestCase(5.0, 1)]
    [TestCase(-5.0, 3)]
    public void TrainingHaltsOnThePositiveHaltLogitOrAtTheLimit(double bias, int expectedSteps)
    {
        using var scope = NewDisposeScope();
        var config = TestModels.Tiny(haltMaxSteps: 3);
        using var model = new TrmModel(config, new Generator(8));
        SetHaltBias(model, bias);
        model.Train();
        using var batch = TestModels.Batch(config, rows: 2);
        var carry = model.InitialCarry(batch);
        int steps = 0;
        do
        {
            var (next, _) = model.Forward(carry, batch);
            carry.Dispose();
            carry = next;
            steps++;
        }
        while (!Bools(carry.Halted).All(h => h) && steps < 10);

        Assert.That(steps, Is.EqualTo(expectedSteps));
        Assert.That(Longs(carry.Steps), Is.EqualTo(new long[] { expectedSteps, expectedSteps }));
        carry.Dispose();
    }

    [Test]
    public void ExplorationDrawsMinimumStepsFromTheSeededGenerator()
    {
        using var scope = NewDisposeScope();
        var config = TestModels.Tiny(haltMaxSteps: 5) with { HaltExplorationProb = 1.0 };
        using var model = new TrmModel(config, new Generator(9));
        SetHaltBias(model, 5); // wants to halt at once; exploration forces at least U{2..5} steps
        model.Train();
        using var batch = TestModels.Batch(config, rows: 16);

        long[] HaltSteps(long seed)
        {
            model.ExplorationGenerator = new Generator(seed);
            var haltedAt = new long[16];
            var carry = model.InitialCarry(batch);
            for (int step = 1; step <= 5; step++)
            {
                var (next, _) = model.Forward(carry, batch);
                carry.Dispose();
                carry = next;
                var halted = Bools(carry.Halted);
                for (int r = 0; r < 16; r++)
                {
                    if (halted[r] && haltedAt[r] == 0)
                    {
                        haltedAt[r] = step;
                    }
                }

                // Rows that halted restart; record the first halt only.
            }

            carry.Dispose();
            return haltedAt;
        }

        var a = HaltSteps(42);
        var b = HaltSteps(42);
        Assert.That(a, Is.EqualTo(b), "same seed, same halting");
        Assert.That(a, Has.All.InRange(2, 5), "nobody halts before step 2 when exploring");
        Assert.That(a.Distinct().Count(), Is.GreaterThan(1), "minimum steps vary across rows");
    }
}
