namespace Trm.Model.Tests;

/// <summary>Long ACT loops hold a constant number of native tensors (no handle leaks).</summary>
[TestFixture]
public sealed class LifetimeTests
{
    [TestCase(true)]
    [TestCase(false)]
    public void ActLoopDoesNotGrowTheLiveTensorCount(bool training)
    {
        var config = TestModels.Tiny(haltMaxSteps: 3);
        using var model = new TrmModel(config, new Generator(4));
        TestModels.Perturb(model, 5);
        var head = new ActLossHead(model);
        head.Train(training);
        using var batch = TestModels.Batch(config, rows: 2);
        var carry = head.InitialCarry(batch);

        void Step()
        {
            using var scope = NewDisposeScope();
            using var grad = training ? EnableGrad() : NoGrad();
            using var result = head.Forward(carry, batch);
            if (training)
            {
                result.Loss.Backward();
                head.ZeroGrad();
            }

            carry.Dispose();
            carry = result.Carry;
        }

        for (int i = 0; i < 3; i++)
        {
            Step(); // first steps allocate the puzzle-embedding scratch rows
        }

        long before = LiveTensorCount;
        for (int i = 0; i < 12; i++)
        {
            Step();
        }

        // At most equal: finalizers of other tests' garbage may release handles meanwhile.
        Assert.That(LiveTensorCount, Is.LessThanOrEqualTo(before));
        carry.Dispose();
    }
}
