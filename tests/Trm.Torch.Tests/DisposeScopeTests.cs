using System.Diagnostics;
using Trm.Torch;

namespace Trm.Torch.Tests;

public class DisposeScopeTests
{
    [Test]
    public void ScopeDisposesTemporariesAndKeepsMovedResults()
    {
        long before = Engine.LiveTensorCount;
        Tensor kept, temp;
        using (var scope = Engine.NewDisposeScope())
        {
            var a = Tensors.Ones([3]);
            temp = a * 2;
            kept = (temp + 1).MoveToOuterDisposeScope();
            Assert.That(scope.Count, Is.EqualTo(2));
        }
        Assert.That(temp.IsDisposed, Is.True);
        Assert.That(kept.IsDisposed, Is.False);
        Assert.That(kept.ToArray<float>(), Is.EqualTo(new float[] { 3, 3, 3 }));
        kept.Dispose();
        Assert.That(Engine.LiveTensorCount, Is.EqualTo(before));
    }

    [Test]
    public void NestedScopesMoveOneLevelOut()
    {
        using var outer = Engine.NewDisposeScope();
        Tensor r;
        using (var inner = Engine.NewDisposeScope())
        {
            r = inner.MoveToOuter(Tensors.Ones([1]));
            Assert.That(inner.Outer, Is.SameAs(outer));
        }
        Assert.That(r.IsDisposed, Is.False);
        Assert.That(outer.Count, Is.EqualTo(1));
        outer.Dispose();
        Assert.That(r.IsDisposed, Is.True);
    }

    [Test]
    public async Task ScopeFlowsAcrossAwaits()
    {
        Tensor t;
        using (Engine.NewDisposeScope())
        {
            await Task.Yield();
            t = await Task.Run(() => Tensors.Ones([2]));
            await Task.Delay(1);
        }
        Assert.That(t.IsDisposed, Is.True);
    }

    [Test]
    public void DetachedTensorsSurviveTheScope()
    {
        Tensor t;
        using (var scope = Engine.NewDisposeScope())
        {
            t = scope.Detach(Tensors.Zeros([1]));
        }
        Assert.That(t.IsDisposed, Is.False);
        t.Dispose();
    }

    [Test]
    public void TenThousandStepLoopKeepsLiveTensorsAndRssFlat()
    {
        using var w = Tensors.Randn([64, 64]).RequiresGrad_();
        using var x = Tensors.Randn([16, 64]);
        long baseline = Engine.LiveTensorCount;
        long rssAfterWarmup = 0;
        for (int i = 0; i < 10_000; i++)
        {
            using (Engine.NewDisposeScope())
            {
                var loss = (x.MatMul(w).Tanh().Square()).Mean();
                loss.Backward();
                using (Engine.NoGrad()) w.Add_(w.Grad!, -1e-4);
                w.Grad = null;
            }
            if (i == 1000)
            {
                GC.Collect();
                rssAfterWarmup = Process.GetCurrentProcess().WorkingSet64;
            }
        }
        Assert.That(Engine.LiveTensorCount, Is.EqualTo(baseline));
        GC.Collect();
        long growth = Process.GetCurrentProcess().WorkingSet64 - rssAfterWarmup;
        Assert.That(growth, Is.LessThan(20L << 20), $"RSS grew by {growth >> 20} MB after warm-up");
    }
}
