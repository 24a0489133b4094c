using System.Text.Json;
using Trm.Data.Tests.Support;
using Trm.Data.TokenStream;

namespace Trm.Data.Tests.TokenStream;

public class TokenBatchSamplerTests
{
    private ScratchDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new ScratchDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    /// <summary>A stream whose token at position i is (i * step + add) % 60000, so offsets can be read back from tokens.</summary>
    private TokenStreamFile Stream(string name, int length, int step = 1, int add = 0)
    {
        var path = _dir.File(name);
        TokenStreamFile.Write(path, Enumerable.Range(0, length).Select(i => (i * step + add) % 60_000).ToArray(), TokenDtype.UInt16);
        return new TokenStreamFile(path, TokenDtype.UInt16);
    }

    [Test]
    public void RandomBatchesAreShiftedWindows()
    {
        using var s = Stream("a.bin", 1000);
        var sampler = new TokenBatchSampler([s], new TokenSamplerOptions { BatchSize = 4, BlockSize = 8, Seed = 3 });
        for (var n = 0; n < 50; n++)
        {
            var batch = sampler.Next();
            for (var row = 0; row < 4; row++)
            {
                var o = (int)batch.Offsets[row];
                Assert.That(o, Is.InRange(0, 1000 - 8 - 1));
                Assert.That(batch.Inputs[0].AsSpan(row * 8, 8).ToArray(), Is.EqualTo(Enumerable.Range(o, 8)));
                Assert.That(batch.Targets[0].AsSpan(row * 8, 8).ToArray(), Is.EqualTo(Enumerable.Range(o + 1, 8)));
            }
        }
    }

    [Test]
    public void SequentialWalksBlocksAndWraps()
    {
        using var s = Stream("a.bin", 30);
        var sampler = new TokenBatchSampler([s], new TokenSamplerOptions { BatchSize = 2, BlockSize = 8, Method = TokenSamplingMethod.Sequential });
        var offsets = Enumerable.Range(0, 3).SelectMany(_ => sampler.Next().Offsets).ToList();
        // valid offsets are 0..21; blocks start at 0, 8, 16, then wrap (24 would need tokens up to 32)
        Assert.That(offsets, Is.EqualTo(new long[] { 0, 8, 16, 0, 8, 16 }));
    }

    [Test]
    public void WithoutReplacementCoversEveryOffsetOncePerEpoch()
    {
        using var s = Stream("a.bin", 105);
        var sampler = new TokenBatchSampler([s], new TokenSamplerOptions { BatchSize = 1, BlockSize = 5, Method = TokenSamplingMethod.WithoutReplacement, Seed = 11 });
        var epoch1 = Enumerable.Range(0, 100).Select(_ => sampler.Next().Offsets[0]).ToList();
        var epoch2 = Enumerable.Range(0, 100).Select(_ => sampler.Next().Offsets[0]).ToList();
        Assert.That(epoch1.Order(), Is.EqualTo(Enumerable.Range(0, 100).Select(i => (long)i)));
        Assert.That(epoch2.Order(), Is.EqualTo(Enumerable.Range(0, 100).Select(i => (long)i)));
        Assert.That(epoch2, Is.Not.EqualTo(epoch1), "reshuffled each epoch");
        Assert.That(epoch1, Is.Not.EqualTo(epoch1.Order().ToList()), "shuffled, not in order");
        Assert.That(sampler.State.Epochs, Is.EqualTo(new long[] { 1 }));
    }

    [Test]
    public void MultiDatasetFrequenciesFollowTheProbabilities()
    {
        using var a = Stream("a.bin", 500);
        using var b = Stream("b.bin", 500, add: 10_000);
        using var c = Stream("c.bin", 500, add: 20_000);
        var probabilities = new[] { 0.6, 0.3, 0.1 };
        var sampler = new TokenBatchSampler([a, b, c], new TokenSamplerOptions { BatchSize = 1, BlockSize = 4, Mode = TokenSamplingMode.MultiDataset, Probabilities = probabilities, Seed = 5 });
        var counts = new int[3];
        const int draws = 20_000;
        for (var n = 0; n < draws; n++)
        {
            var batch = sampler.Next();
            counts[batch.DatasetIndex]++;
            Assert.That(batch.Inputs[0][0] / 10_000, Is.EqualTo(batch.DatasetIndex), "the batch comes from the chosen stream");
        }
        for (var d = 0; d < 3; d++)
            Assert.That(counts[d] / (double)draws, Is.EqualTo(probabilities[d]).Within(0.015), $"stream {d}");
    }

    [Test]
    public void MultiDatasetInterleavesByCountsWithSeparatePositions()
    {
        using var a = Stream("a.bin", 100);
        using var b = Stream("b.bin", 100, add: 10_000);
        var sampler = new TokenBatchSampler([a, b], new TokenSamplerOptions
        {
            BatchSize = 1, BlockSize = 10, Mode = TokenSamplingMode.MultiDataset, InterleaveCounts = [2, 1], Method = TokenSamplingMethod.Sequential,
        });
        var batches = Enumerable.Range(0, 6).Select(_ => sampler.Next()).ToList();
        Assert.That(batches.Select(x => x.DatasetIndex), Is.EqualTo(new[] { 0, 0, 1, 0, 0, 1 }));
        Assert.That(batches.Select(x => x.Offsets[0]), Is.EqualTo(new long[] { 0, 10, 0, 20, 30, 10 }));
    }

    [Test]
    public void MultiContextSamplesAlignedStreamsAtTheSameOffsets()
    {
        using var text = Stream("text.bin", 300);
        using var tags = Stream("tags.bin", 300, step: 2);
        var sampler = new TokenBatchSampler([text, tags], new TokenSamplerOptions { BatchSize = 3, BlockSize = 6, Mode = TokenSamplingMode.MultiContext, Seed = 9 });
        var batch = sampler.Next();
        Assert.That(batch.DatasetIndex, Is.EqualTo(-1));
        Assert.That(batch.Inputs, Has.Count.EqualTo(2));
        for (var row = 0; row < 3; row++)
        {
            var o = (int)batch.Offsets[row];
            Assert.That(batch.Inputs[0][row * 6], Is.EqualTo(o));
            Assert.That(batch.Inputs[1][row * 6], Is.EqualTo(2 * o));
            Assert.That(batch.Targets[1][row * 6 + 5], Is.EqualTo(2 * (o + 6)));
        }
    }

    [Test]
    public void StateResumesExactly([Values] TokenSamplingMethod method)
    {
        using var a = Stream("a.bin", 400);
        using var b = Stream("b.bin", 300, add: 10_000);
        var options = new TokenSamplerOptions { BatchSize = 3, BlockSize = 7, Mode = TokenSamplingMode.MultiDataset, Probabilities = [0.5, 0.5], Method = method, Seed = 21 };
        var first = new TokenBatchSampler([a, b], options);
        for (var i = 0; i < 40; i++)
            first.Next();
        var saved = JsonSerializer.Deserialize<TokenSamplerState>(JsonSerializer.Serialize(first.State))!;
        var expected = Enumerable.Range(0, 40).Select(_ => first.Next()).ToList();

        var second = new TokenBatchSampler([a, b], options);
        second.Restore(saved);
        var actual = Enumerable.Range(0, 40).Select(_ => second.Next()).ToList();

        Assert.That(actual.Select(x => x.DatasetIndex), Is.EqualTo(expected.Select(x => x.DatasetIndex)));
        Assert.That(actual.SelectMany(x => x.Offsets), Is.EqualTo(expected.SelectMany(x => x.Offsets)));
        Assert.That(second.State.Step, Is.EqualTo(80));
    }

    [Test]
    public void SameSeedSameBatchesOtherSeedOtherBatches()
    {
        using var a = Stream("a.bin", 1000);
        long[] Offsets(long seed)
        {
            var sampler = new TokenBatchSampler([a], new TokenSamplerOptions { BatchSize = 8, BlockSize = 4, Seed = seed });
            return sampler.Next().Offsets;
        }
        Assert.That(Offsets(1), Is.EqualTo(Offsets(1)));
        Assert.That(Offsets(1), Is.Not.EqualTo(Offsets(2)));
    }

    [Test]
    public void BadOptionsAreRejected()
    {
        using var a = Stream("a.bin", 10);
        using var b = Stream("b.bin", 100);
        Assert.That(Assert.Throws<ArgumentException>(() => new TokenBatchSampler([a], new TokenSamplerOptions { BlockSize = 10 }))!.Message,
            Does.StartWith($"{a.Path} has 10 tokens, fewer than block size + 1 = 11"));
        Assert.That(Assert.Throws<ArgumentException>(() => new TokenBatchSampler([b, b], new TokenSamplerOptions { BlockSize = 4, Mode = TokenSamplingMode.MultiDataset, Probabilities = [1.0] }))!.Message,
            Does.StartWith("sampling probabilities need 2 non-negative values with a positive sum, got [1]"));
        Assert.Throws<ArgumentException>(() => new TokenBatchSampler([b, b], new TokenSamplerOptions { BlockSize = 4 }));
    }
}
