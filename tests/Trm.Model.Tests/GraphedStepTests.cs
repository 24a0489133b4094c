using Trm.Torch.Cuda;

namespace Trm.Model.Tests;

/// <summary>TrmGraphedStep: a CUDA-graph replay of the no-grad ACT step equals the eager steps (GPU only), and says why it cannot run elsewhere.</summary>
public class GraphedStepTests
{
    [Test]
    public void WithoutCudaTheGraphedStepSaysWhy()
    {
        if (TrmGraphedStep.IsSupported) Assert.Ignore("CUDA is available");
        using var model = new TrmModel(TestModels.Tiny(), new Generator(1));
        model.Eval();
        using var batch = TestModels.Batch(model.Config, 2);
        var ex = Assert.Throws<NotSupportedException>(() => new TrmGraphedStep(model, batch))!;
        Assert.That(ex.Message, Does.StartWith("TrmGraphedStep needs CUDA:"));
        Assert.That(ex.Message, Does.Contain(CudaDevice.IsCompiled ? "no CUDA device" : "built without CUDA"));
    }

    [Test]
    [Category("Cuda")]
    public void ReplaysEqualTheEagerSteps()
    {
        if (!TrmGraphedStep.IsSupported) Assert.Ignore("no CUDA device (or the shim was built without CUDA)");
        using var scope = NewDisposeScope();
        using var model = new TrmModel(TestModels.Tiny(haltMaxSteps: 2), new Generator(1));
        TestModels.Perturb(model, 2);
        model.To(Device.Cuda());
        model.Eval();
        using var first = TestModels.Batch(model.Config, 3).To(Device.Cuda());
        using var second = TestModels.Batch(model.Config, 3, offset: 1).To(Device.Cuda());
        using var graphed = new TrmGraphedStep(model, first);
        Assert.Throws<InvalidOperationException>(() => { model.Train(); try { using var _ = new TrmGraphedStep(model, first); } finally { model.Eval(); } });

        // Eager reference: three steps (the batch is replaced after the second, when every row halts at HaltMaxSteps = 2).
        using var noGrad = NoGrad();
        var carry = model.InitialCarry(first);
        foreach (var batch in new[] { first, first, second })
        {
            var (next, outputs) = model.Forward(carry, batch);
            carry.Dispose();
            carry = next;
            graphed.Step(batch);
            CudaDevice.Synchronize();
            Assert.That(graphed.Logits.AllClose(outputs.Logits, 1e-5, 1e-6), Is.True, "logits");
            Assert.That(graphed.QHaltLogits.AllClose(outputs.QHaltLogits, 1e-5, 1e-6), Is.True, "q_halt");
            Assert.That(graphed.Carry.Halted.Equal(carry.Halted), Is.True, "halted");
            Assert.That(graphed.Carry.Steps.Equal(carry.Steps), Is.True, "steps");
            outputs.Dispose();
        }
        carry.Dispose();
        using var wrong = TestModels.Batch(model.Config, 2);
        Assert.Throws<ArgumentException>(() => graphed.Step(wrong));
    }
}
