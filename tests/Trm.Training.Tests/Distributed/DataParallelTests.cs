using Trm.Torch;
using Trm.Torch.Distributed;
using Trm.Training.Distributed;

namespace Trm.Training.Tests.Distributed;

/// <summary>The trainer's collectives on two Gloo ranks (threads of this process joined through a file store).</summary>
public sealed class DataParallelTests
{
    private static T[] RunRanks<T>(Func<ProcessGroup, T> body)
    {
        if (!ProcessGroup.IsAvailable) Assert.Ignore("shim built without c10d/Gloo");
        var store = Path.Combine(Path.GetTempPath(), $"trm-dp-{Guid.NewGuid():N}");
        try
        {
            var tasks = Enumerable.Range(0, 2).Select(rank => Task.Factory.StartNew(() =>
            {
                using var group = ProcessGroup.CreateGloo($"file://{store}", rank, 2, "127.0.0.1", TimeSpan.FromSeconds(60));
                return body(group);
            }, TaskCreationOptions.LongRunning)).ToArray();
            Assert.That(Task.WaitAll(tasks, TimeSpan.FromSeconds(90)), Is.True, "collectives timed out");
            return [.. tasks.Select(t => t.Result)];
        }
        finally
        {
            File.Delete(store);
        }
    }

    [Test]
    public void GradientsAreSummedInByteSizedBuckets()
    {
        var results = RunRanks(group =>
        {
            using var scope = Engine.NewDisposeScope();
            float r = group.Rank + 1;
            // 40 B, 80 B, 20 B and a float64 of 8 B under a 100 B cap: [a], [b, c], [d] (a dtype change opens a bucket).
            var parameters = new long[] { 10, 20, 5 }.Select(n => Tensors.Zeros([n])).Append(Tensors.Zeros([1], DType.Float64)).ToArray();
            foreach (var p in parameters) p.RequiresGrad = true;
            using (var loss = parameters.Select((p, i) => (p.To(DType.Float32) * (r * (i + 1))).Sum()).Aggregate((x, y) => x + y)) loss.Backward();
            var ddp = new DataParallel(group, bucketBytes: 100);
            var buckets = ddp.Buckets(parameters).Select(b => b.Count).ToArray();
            ddp.AllReduceGradients(parameters);
            return (buckets, ddp.Collectives, parameters.Select(p => p.Grad!.To(DType.Float64).ToArray<double>().Distinct().Single()).ToArray());
        });
        foreach (var (buckets, collectives, grads) in results)
        {
            Assert.That(buckets, Is.EqualTo(new[] { 1, 2, 1 }));
            Assert.That(collectives, Is.EqualTo(3), "one all-reduce per bucket");
            // rank 0 contributes (i + 1), rank 1 2·(i + 1): the sum is 3·(i + 1) on both.
            Assert.That(grads, Is.EqualTo(new double[] { 3, 6, 9, 12 }));
        }
    }

    [Test]
    public void RowsAreGatheredInRankOrderAndMetricsSummed()
    {
        var results = RunRanks(group =>
        {
            using var scope = Engine.NewDisposeScope();
            var ddp = new DataParallel(group);
            var ids = ddp.GatherRows(Tensors.FromArray(new long[] { group.Rank, 10 + group.Rank }));
            var flags = ddp.GatherRows(Tensors.FromArray(new[] { group.Rank == 0, false }));
            var weights = Tensors.FromArray(new float[] { group.Rank + 5f });
            ddp.Broadcast([weights]);
            return (ids.ToArray<long>(), flags.ToArray<bool>(), ddp.SumAcrossRanks([1.5, group.Rank]), weights.ToArray<float>()[0], ddp.Any(group.Rank == 1));
        });
        foreach (var (ids, flags, sums, weight, any) in results)
        {
            Assert.That(ids, Is.EqualTo(new long[] { 0, 10, 1, 11 }));
            Assert.That(flags, Is.EqualTo(new[] { true, false, false, false }));
            Assert.That(sums, Is.EqualTo(new[] { 3.0, 1.0 }));
            Assert.That(weight, Is.EqualTo(5f), "rank 0's value");
            Assert.That(any, Is.True);
        }
    }
}
