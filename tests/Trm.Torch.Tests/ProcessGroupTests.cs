using Trm.Torch;
using Trm.Torch.Distributed;

namespace Trm.Torch.Tests;

public class ProcessGroupTests
{
    // Runs `body` as ranks 0..world-1 on separate threads of this process, joined through a file store.
    private static T[] RunRanks<T>(int world, Func<ProcessGroup, T> body)
    {
        if (!ProcessGroup.IsAvailable) Assert.Ignore("shim built without c10d/Gloo");
        string store = Path.Combine(Path.GetTempPath(), $"trm-pg-{Guid.NewGuid():N}");
        try
        {
            var tasks = Enumerable.Range(0, world).Select(rank => Task.Factory.StartNew(() =>
            {
                using var pg = ProcessGroup.CreateGloo($"file://{store}", rank, world, "127.0.0.1", TimeSpan.FromSeconds(60));
                return body(pg);
            }, TaskCreationOptions.LongRunning)).ToArray();
            Assert.That(Task.WaitAll(tasks, TimeSpan.FromSeconds(90)), Is.True, "collectives timed out");
            return tasks.Select(t => t.Result).ToArray();
        }
        finally
        {
            File.Delete(store);
        }
    }

    [Test]
    public void AllReduceBroadcastAllGatherAndBarrierGiveKnownAnswers()
    {
        var results = RunRanks(2, pg =>
        {
            using var scope = Engine.NewDisposeScope();
            float r = pg.Rank;
            var a = Tensors.FromArray(new[] { r + 1, 10 * (r + 1) });
            var b = Tensors.FromArray(new[] { 2 * r, 3 * r, 4 * r, 5 * r }, 2, 2).Transpose(0, 1); // non-contiguous
            pg.AllReduce_([a, b], ReduceOp.Sum);
            var avg = Tensors.FromArray(new[] { r });
            pg.AllReduce_(avg, ReduceOp.Average);
            var max = Tensors.FromArray(new long[] { pg.Rank == 0 ? 5 : 7 });
            pg.AllReduce_(max, ReduceOp.Max);
            var bc = Tensors.FromArray(new[] { r, r });
            pg.Broadcast_(bc, root: 1);
            var gathered = pg.AllGather(Tensors.FromArray(new[] { r * 100 }));
            pg.Barrier();
            return (a.ToArray<float>(), b.Contiguous().ToArray<float>(), avg.Item<float>(), max.Item<long>(), bc.ToArray<float>(),
                gathered.SelectMany(t => t.ToArray<float>()).ToArray(), pg.WorldSize);
        });
        foreach (var (a, b, avg, max, bc, gathered, world) in results)
        {
            Assert.That(world, Is.EqualTo(2));
            Assert.That(a, Is.EqualTo(new float[] { 3, 30 }));
            Assert.That(b, Is.EqualTo(new float[] { 2, 4, 3, 5 }));
            Assert.That(avg, Is.EqualTo(0.5f));
            Assert.That(max, Is.EqualTo(7));
            Assert.That(bc, Is.EqualTo(new float[] { 1, 1 }));
            Assert.That(gathered, Is.EqualTo(new float[] { 0, 100 }));
        }
    }

    [Test]
    public void BadArgumentsAreClearErrors()
    {
        if (!ProcessGroup.IsAvailable) Assert.Ignore("shim built without c10d/Gloo");
        Assert.Throws<ArgumentOutOfRangeException>(() => ProcessGroup.CreateGloo("file:///tmp/x", 2, 2));
        var ex = Assert.Throws<TorchException>(() => ProcessGroup.CreateGloo("udp://nowhere", 0, 1))!;
        Assert.That(ex.Message, Does.Contain("file:// or tcp://"));
        if (!ProcessGroup.IsNcclAvailable)
            Assert.That(Assert.Throws<NotSupportedException>(() => ProcessGroup.CreateNccl("file:///tmp/x", 0, 1))!.Message, Does.Contain("without NCCL"));
    }

    [Test]
    public void TcpRendezvousFromTorchrunStyleEnvironmentWorksForASingleRank()
    {
        if (!ProcessGroup.IsAvailable) Assert.Ignore("shim built without c10d/Gloo");
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0); // find a free port for rank 0's store
        listener.Start();
        string port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port.ToString();
        listener.Stop();
        var vars = new Dictionary<string, string> { ["MASTER_ADDR"] = "127.0.0.1", ["MASTER_PORT"] = port, ["RANK"] = "0", ["WORLD_SIZE"] = "1" };
        foreach (var (k, v) in vars) Environment.SetEnvironmentVariable(k, v);
        try
        {
            using var pg = ProcessGroup.FromEnvironment(timeout: TimeSpan.FromSeconds(30));
            using var t = Tensors.FromArray(new float[] { 4 });
            pg.AllReduce_(t, ReduceOp.Average);
            Assert.That((pg.Rank, pg.WorldSize, t.Item<float>()), Is.EqualTo((0, 1, 4f)));
        }
        finally
        {
            foreach (var k in vars.Keys) Environment.SetEnvironmentVariable(k, null);
        }
    }
}
