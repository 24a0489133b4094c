using System.Diagnostics;
using Trm.Torch;

namespace Trm.Torch.Tests;

public class DisposeScopeTests
{
    [Test]
    public void ScopeDisposesTemporariesAndKeepsMovedResults()
    {
        long before = Torch.LiveTensorCount;
        Tensor kept, temp;
        using (var scope = Torch.NewDisposeScope())
        {
            var a = Torch.Ones([3]);
            temp = a * 2;
            kept = (temp + 1).MoveToOuterDisposeScope();
            Assert.That(scope.Count, Is.EqualTo(2));
        }
        Assert.That(temp.IsDisposed, Is.True);
        Assert.That(kept.IsDisposed, Is.False);
        Assert.That(kept.ToArray<float>(), Is.EqualTo(new float[] { 3, 3, 3 }));
        kept.Dispose();
        Assert.That(Torch.LiveTensorCount, Is.EqualTo(before));
    }

    [Test]
    public void NestedScopesMoveOneLevelOut()
    {
        using var outer = Torch.NewDisposeScope();
        Tensor r;
        using (var inner = Torch.NewDisposeScope())
        {
            r = inner.MoveToOuter(Torch.Ones([1]));
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
        using (Torch.NewDisposeScope())
        {
            await Task.Yield();
            t = await Task.Run(() => Torch.Ones([2]));
            await Task.Delay(1);
        }
        Assert.That(t.IsDisposed, Is.True);
    }

    [Test]
    public void DetachedTensorsSurviveTheScope()
    {
        Tensor t;
        using (var scope = Torch.NewDisposeScope())
        {
            t = scope.Detach(Torch.Zeros([1]));
        }
        Assert.That(t.IsDisposed, Is.False);
        t.Dispose();
    }

    [Test]
    public void TenThousandStepLoopKeepsLiveTensorsAndRssFlat()
    {
        using var w = Torch.Randn([64, 64]).RequiresGrad_();
        using var x = Torch.Randn([16, 64]);
        long baseline = Torch.LiveTensorCount;
        long rssAfterWarmup = 0;
        for (int i = 0; i < 10_000; i++)
        {
            using (Torch.NewDisposeScope())
            {
                var loss = (x.MatMul(w).Tanh().Square()).Mean();
                loss.Backward();
                using (Torch.NoGrad()) w.Add_(w.Grad!, -1e-4);
                w.Grad = null;
            }
            if (i == 1000)
            {
                GC.Collect();
                rssAfterWarmup = Process.GetCurrentProcess().WorkingSet64;
            }
        }
        Assert.That(Torch.LiveTensorCount, Is.EqualTo(baseline));
        GC.Collect();
        long growth = Process.GetCurrentProcess().WorkingSet64 - rssAfterWarmup;
        Assert.That(growth, Is.LessThan(20L << 20), $"RSS grew by {growth >> 20} MB after warm-up");
    }
}
