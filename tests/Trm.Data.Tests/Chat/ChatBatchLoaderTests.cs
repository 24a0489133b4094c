using Trm.Data.Chat;
using Trm.Data.Tests.Support;

namespace Trm.Data.Tests.Chat;

public class ChatBatchLoaderTests
{
    private static ScratchDirectory _dir = null!;
    private static ChatDataset _dataset = null!;

    [OneTimeSetUp]
    public static async Task Build()
    {
        _dir = new ScratchDirectory();
        var lines = Enumerable.Range(0, 23).Select(i => $$"""{"instruction": "Count to {{i}}", "output": "{{string.Join(" ", Enumerable.Range(1, i + 1))}}"}""");
        var input = _dir.Write("count.jsonl", string.Join("\n", lines));
        await new ChatDatasetBuilder().FromFile(input).WithTrainSplit(1.0).BuildAsync(_dir.File("out"));
        _dataset = ChatDataset.Open(_dir.File("out"));
    }

    [OneTimeTearDown]
    public static void Cleanup()
    {
        _dataset.Dispose();
        _dir.Dispose();
    }

    [Test]
    public void PaddedBatchesShiftTargetsAndMaskPadding()
    {
        var loader = new ChatBatchLoader(_dataset, "train", new ChatBatchOptions { BatchSize = 4, Shuffle = false });
        var batches = loader.Epoch().ToList();
        Assert.That(batches.Select(b => b.BatchSize), Is.EqualTo(new[] { 4, 4, 4, 4, 4, 3 }));
        var first = batches[0];
        var longest = Enumerable.Range(0, 4).Max(_dataset.Train.Length);
        Assert.That(first.SequenceLength, Is.EqualTo(longest - 1));
        for (var row = 0; row < 4; row++)
        {
            var (ids, mask) = _dataset.Train[row];
            var t = first.SequenceLength;
            Assert.That(first.Inputs.AsSpan(row * t, ids.Length - 1).ToArray(), Is.EqualTo(ids[..^1]));
            Assert.That(first.Targets.AsSpan(row * t, ids.Length - 1).ToArray(), Is.EqualTo(ids[1..]));
            Assert.That(first.LossMask.AsSpan(row * t, ids.Length - 1).ToArray(), Is.EqualTo(mask[1..]));
            Assert.That(first.Inputs.AsSpan(row * t + ids.Length - 1).ToArray().Take(t - ids.Length + 1), Is.All.EqualTo(_dataset.Info.PadId));
            Assert.That(first.LossMask.AsSpan(row * t + ids.Length - 1, t - ids.Length + 1).ToArray(), Is.All.EqualTo(0));
        }
    }

    [Test]
    public void ShuffledEpochsVisitEveryExampleOnceAndDiffer()
    {
        var loader = new ChatBatchLoader(_dataset, "train", new ChatBatchOptions { BatchSize = 5, Seed = 4 });
        var epoch0 = loader.Epoch(0).SelectMany(b => b.Examples).ToList();
        var epoch1 = loader.Epoch(1).SelectMany(b => b.Examples).ToList();
        Assert.That(epoch0.Order(), Is.EqualTo(Enumerable.Range(0, 23)));
        Assert.That(epoch1.Order(), Is.EqualTo(Enumerable.Range(0, 23)));
        Assert.That(epoch0, Is.Not.EqualTo(epoch1));
        Assert.That(loader.Epoch(0).SelectMany(b => b.Examples), Is.EqualTo(epoch0), "same seed and epoch, same order");
        Assert.That(new ChatBatchLoader(_dataset, "train", new ChatBatchOptions { BatchSize = 5, DropLast = true }).Epoch().Count(), Is.EqualTo(4));
    }

    [Test]
    public void PackedBatchesConcatenateEveryTokenInOrder()
    {
        const int t = 16;
        var loader = new ChatBatchLoader(_dataset, "train", new ChatBatchOptions { BatchSize = 3, SequenceLength = t, Packed = true, Shuffle = false });
        var batches = loader.Epoch().ToList();
        var stream = Enumerable.Range(0, 23).SelectMany(i => _dataset.Train[i].Ids).ToArray();
        var masks = Enumerable.Range(0, 23).SelectMany(i => _dataset.Train[i].LossMask).ToArray();
        var rows = batches.SelectMany(b => Enumerable.Range(0, b.BatchSize).Select(r => (b, r))).ToList();
        Assert.That(rows, Has.Count.EqualTo((stream.Length + t) / (t + 1)));
        for (var k = 0; k < rows.Count - 1; k++)
        {
            var (b, r) = rows[k];
            Assert.That(b.Inputs.AsSpan(r * t, t).ToArray(), Is.EqualTo(stream.AsSpan(k * (t + 1), t).ToArray()));
            Assert.That(b.Targets.AsSpan(r * t, t).ToArray(), Is.EqualTo(stream.AsSpan(k * (t + 1) + 1, t).ToArray()));
            Assert.That(b.LossMask.AsSpan(r * t, t).ToArray(), Is.EqualTo(masks.AsSpan(k * (t + 1) + 1, t).ToArray()));
        }
        Assert.That(batches.SelectMany(b => b.Examples), Is.EqualTo(Enumerable.Range(0, 23)));
    }
}
