using Trm.Torch.Diagnostics;

namespace Trm.Torch.Tests;

public class DiagnosticsTests
{
    [Test]
    public void OpCounterCountsEachDispatchedOperatorAndItsNestedOps()
    {
        using var scope = Engine.NewDisposeScope();
        var a = Tensors.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2);
        var b = Tensors.FromArray(new float[] { 5, 6, 7, 8 }, 2, 2);
        _ = a.Sum(); // warm-up outside the count
        IReadOnlyDictionary<string, OpStats> counts;
        using (var counter = OpCounter.Start())
        {
            _ = a + b;
            _ = a + b;
            _ = a.MatMul(b);
            counts = counter.Stop();
            Assert.That(counter.Stop(), Is.SameAs(counts), "Stop is idempotent");
        }

        Assert.That(counts["aten::add"].Count, Is.EqualTo(2));
        Assert.That(counts["aten::matmul"].Count, Is.EqualTo(1));
        Assert.That(counts["aten::mm"].Count, Is.EqualTo(1), "matmul of two matrices dispatches mm inside");
        Assert.That(counts.ContainsKey("aten::sum"), Is.False, "ops before Start are not counted");
        // Outermost: add, add, matmul (mm is nested in matmul).
        Assert.That(counts[OpCounter.Outermost].Count, Is.EqualTo(3));
        Assert.That(counts[OpCounter.Outermost].Total, Is.GreaterThanOrEqualTo(counts["aten::matmul"].Total));
        Assert.That(counts["aten::matmul"].Total, Is.GreaterThanOrEqualTo(counts["aten::mm"].Total));
    }

    [Test]
    public void OnlyOneOpCounterAtATime()
    {
        using var counter = OpCounter.Start();
        Assert.That(() => OpCounter.Start(), Throws.TypeOf<TorchException>().With.Message.Contains("already on"));
    }

    [Test]
    public void SetNumThreadsAlsoSizesOpenBlas()
    {
        if (Engine.NumBlasThreads == 0) Assert.Ignore("The loaded BLAS is not OpenBLAS.");
        int before = Engine.NumThreads;
        try
        {
            Engine.SetNumThreads(1);
            Assert.That(Engine.NumBlasThreads, Is.EqualTo(1));
            Engine.SetNumThreads(2);
            Assert.That(Engine.NumBlasThreads, Is.EqualTo(2));
        }
        finally
        {
            Engine.SetNumThreads(before);
        }
    }
}
