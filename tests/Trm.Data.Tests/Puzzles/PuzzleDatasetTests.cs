using Trm.Data.Puzzles;

namespace Trm.Data.Tests.Puzzles;

public class PuzzleDatasetTests
{
    private string _root = "";

    /// <summary>Groups g = 0..G-1 each with (g % 3) + 1 puzzles; puzzle p has (p % 4) + 1 examples. Input token 0 of an example encodes its index.</summary>
    private static string MakeDataset(int groups, int seqLen = 3)
    {
        var root = PuzzleTestData.NewTempDirectory();
        PuzzleSet Build(int groupCount)
        {
            var b = new PuzzleSetBuilder(seqLen);
            var example = 0;
            var puzzle = 0;
            for (var g = 0; g < groupCount; g++)
            {
                for (var k = 0; k <= g % 3; k++, puzzle++)
                {
                    for (var e = 0; e <= puzzle % 4; e++, example++)
                    {
                        var input = new byte[seqLen];
                        var label = new byte[seqLen];
                        input[0] = (byte)(example % 200 + 1);
                        input[1] = (byte)(example / 200 + 1);
                        label[0] = (byte)(g % 250 + 1); // label 0 = group (+1), label 1 = 0 (ignored)
                        b.AddExample(input, label);
                    }
                    b.EndPuzzle(puzzle % 5 + 1);
                }
                b.EndGroup();
            }
            return b.Build();
        }
        using var train = Build(groups);
        using var test = Build(7);
        PuzzleSplit.Write(Path.Combine(root, "train"), PuzzleDatasetMetadata.Describe([train], 256, 6), [train]);
        PuzzleSplit.Write(Path.Combine(root, "test"), PuzzleDatasetMetadata.Describe([test], 256, 6), [test]);
        return root;
    }

    [SetUp]
    public void SetUp() => _root = MakeDataset(40);

    [TearDown]
    public void TearDown() => Directory.Delete(_root, true);

    private PuzzleDataset Open(int globalBatch, bool test = false, int rank = 0, int world = 1, int seed = 3, int epochs = 1) =>
        PuzzleDataset.Open(new PuzzleDatasetOptions
        {
            DatasetPaths = [_root],
            Split = test ? "test" : "train",
            GlobalBatchSize = globalBatch,
            TestSetMode = test,
            Rank = rank,
            WorldSize = world,
            Seed = seed,
            EpochsPerIteration = epochs,
        });

    private static int ExampleOf(PuzzleBatch b, int row) => (b.Inputs[row * b.SeqLen] - 1) + 200 * (b.Inputs[row * b.SeqLen + 1] - 1);

    [Test]
    public void Train_EachGroupAtMostOncePerEpoch_BatchesFull_ExamplesDistinct()
    {
        using var ds = Open(8);
        var set = PuzzleSplit.Open(Path.Combine(_root, "train"));
        using var _ = set;
        var s = set.Sets[0];
        var batches = ds.EnumerateBatches().ToList();
        Assert.That(batches, Is.Not.Empty);
        var seenExamples = new HashSet<int>();
        var groupsSeen = new List<int>();
        foreach (var b in batches)
        {
            Assert.That(b.BatchSize, Is.EqualTo(8));
            Assert.That(b.EffectiveBatchSize, Is.EqualTo(8));
            Assert.That(b.LocalValidRows, Is.EqualTo(8));
            for (var r = 0; r < 8; r++)
            {
                var example = ExampleOf(b, r);
                Assert.That(seenExamples.Add(example), Is.True, $"example {example} twice in one epoch");
                var puzzle = s.PuzzleOfExample(example);
                Assert.That(b.PuzzleIdentifiers[r], Is.EqualTo(puzzle % 5 + 1));
                var group = b.Labels[r * 3] - 1;
                Assert.That(s.GroupIndices[group] <= puzzle && puzzle < s.GroupIndices[group + 1], Is.True);
                // label 0 was ignore_label_id (0) and must be -100.
                Assert.That(b.Labels[r * 3 + 1], Is.EqualTo(PuzzleDataset.IgnoreLabel));
                if (groupsSeen.Count == 0 || groupsSeen[^1] != group)
                    groupsSeen.Add(group);
            }
        }
        // Consecutive rows of one group form one run: each group contributes one puzzle, once.
        Assert.That(groupsSeen.Distinct().Count(), Is.EqualTo(groupsSeen.Count));
        // Every group appears except those whose turn came in the dropped final partial batch.
        Assert.That(groupsSeen.Count, Is.GreaterThan(40 - 8));
        // Batches only cover whole rows of puzzles drawn from one pass; the number is bounded by the examples available.
        Assert.That(batches.Count, Is.EqualTo(ds.BatchesPerPass()));
    }

    [Test]
    public void Train_RanksAreDisjointAndCoverTheGlobalBatch()
    {
        using var whole = Open(12);
        var global = whole.EnumerateBatches().ToList();
        var perRank = Enumerable.Range(0, 3).Select(r =>
        {
            using var ds = Open(12, rank: r, world: 3);
            return ds.EnumerateBatches().ToList();
        }).ToList();
        Assert.That(perRank.Select(l => l.Count), Is.All.EqualTo(global.Count));
        for (var i = 0; i < global.Count; i++)
        {
            var union = perRank.SelectMany(l => Enumerable.Range(0, 4).Select(r => ExampleOf(l[i], r))).ToList();
            var expected = Enumerable.Range(0, 12).Select(r => ExampleOf(global[i], r)).ToList();
            Assert.That(union, Is.EqualTo(expected));
            Assert.That(union.Distinct().Count(), Is.EqualTo(12));
            Assert.That(perRank.Select(l => l[i].EffectiveBatchSize), Is.All.EqualTo(12));
        }
    }

    [Test]
    public void Train_SameSeedSameBatches_NewPassReshuffles_ResumeIsExact()
    {
        using var a = Open(8);
        using var b = Open(8);
        var passA1 = a.EnumerateBatches().Select(x => x.Inputs).ToList();
        var passB1 = b.EnumerateBatches().Select(x => x.Inputs).ToList();
        Assert.That(passB1, Is.EqualTo(passA1));
        Assert.That(a.State, Is.EqualTo(new PuzzleIteratorState(1, 0, 0)));
        var passA2 = a.EnumerateBatches().ToList();
        Assert.That(passA2.Select(x => x.Inputs), Is.Not.EqualTo(passA1));

        // Resume in the middle of the second pass from a serialised state.
        var saved = PuzzleIteratorState.Parse(passA2[2].Next.ToString());
        using var c = Open(8);
        c.Restore(saved);
        var resumed = c.EnumerateBatches().ToList();
        Assert.That(resumed.Select(x => x.Inputs), Is.EqualTo(passA2.Skip(3).Select(x => x.Inputs)));
        Assert.That(resumed[0].State, Is.EqualTo(new PuzzleIteratorState(1, 0, 3)));

        // Stopping early keeps the state at the next batch.
        using var d = Open(8);
        _ = d.EnumerateBatches().Take(2).ToList();
        Assert.That(d.State, Is.EqualTo(new PuzzleIteratorState(0, 0, 2)));
        Assert.That(d.EnumerateBatches().First().Inputs, Is.EqualTo(passA1[2]));
    }

    [Test]
    public void Train_EpochsPerIteration_VisitsGroupsThatManyTimes()
    {
        using var ds = Open(4, epochs: 3);
        var rows = ds.EnumerateBatches().SelectMany(b => Enumerable.Range(0, 4).Select(r => b.Labels[r * 3] - 1)).ToList();
        var runs = rows.Where((g, i) => i == 0 || rows[i - 1] != g).ToList();
        Assert.That(runs.GroupBy(g => g).Max(x => x.Count()), Is.LessThanOrEqualTo(3));
        Assert.That(runs.Count, Is.GreaterThan(3 * 40 - 4));
    }

    [Test]
    public void Test_EveryExampleOnceInOrder_LastBatchPadded()
    {
        using var ds = Open(4, test: true);
        var total = (int)ds.ExampleCount; // 7 groups: 1,2,3,1,2,3,1 puzzles → 13 puzzles
        var batches = ds.EnumerateBatches().ToList();
        Assert.That(batches.Count, Is.EqualTo((total + 3) / 4));
        var examples = batches.SelectMany(b => Enumerable.Range(0, b.LocalValidRows).Select(r => ExampleOf(b, r))).ToList();
        Assert.That(examples, Is.EqualTo(Enumerable.Range(0, total)));
        var last = batches[^1];
        Assert.That(last.EffectiveBatchSize, Is.EqualTo(total - 4 * (batches.Count - 1)));
        for (var r = last.LocalValidRows; r < 4; r++)
        {
            Assert.That(last.Inputs.AsSpan(r * 3, 3).ToArray(), Is.All.EqualTo(0));
            Assert.That(last.Labels.AsSpan(r * 3, 3).ToArray(), Is.All.EqualTo(-100));
            Assert.That(last.PuzzleIdentifiers[r], Is.EqualTo(0));
        }
        Assert.That(ds.State, Is.EqualTo(PuzzleIteratorState.Start));
    }

    [Test]
    public void Test_RanksTogetherCoverEveryExampleOnce()
    {
        var all = new List<int>();
        for (var rank = 0; rank < 2; rank++)
        {
            using var ds = Open(6, test: true, rank: rank, world: 2);
            foreach (var b in ds.EnumerateBatches())
                all.AddRange(Enumerable.Range(0, b.LocalValidRows).Select(r => ExampleOf(b, r)));
        }
        all.Sort();
        using var one = Open(6, test: true);
        Assert.That(all, Is.EqualTo(Enumerable.Range(0, (int)one.ExampleCount)));
    }

    [Test]
    public void NumPyFixture_IteratesInTestMode()
    {
        using var ds = PuzzleDataset.Open(new PuzzleDatasetOptions { DatasetPaths = [PuzzleTestData.Path("puzzles", "numpy-small")], Split = "test", GlobalBatchSize = 2, TestSetMode = true });
        var batches = ds.EnumerateBatches().ToList();
        Assert.That(batches.Count, Is.EqualTo(2));
        Assert.That(batches[0].PuzzleIdentifiers, Is.EqualTo(new[] { 1, 2 }));
        Assert.That(batches[1].PuzzleIdentifiers, Is.EqualTo(new[] { 2, 0 }));
        Assert.That(batches[0].Labels, Is.EqualTo(new[] { -100, 2, 3, 1, -100, 2, 3, 2 }));
        Assert.That((ds.VocabSize, ds.SeqLen, ds.NumPuzzleIdentifiers), Is.EqualTo((6, 4, 3)));
    }

    [Test]
    public void TwoRoots_AreMergedSetBySet()
    {
        var other = MakeDataset(10);
        try
        {
            using var ds = PuzzleDataset.Open(new PuzzleDatasetOptions { DatasetPaths = [_root, other], GlobalBatchSize = 4 });
            Assert.That(ds.SetNames, Is.EqualTo(new[] { "all", "all1" }));
            Assert.That(ds.NumPuzzleIdentifiers, Is.EqualTo(12));
            Assert.That(ds.Metadata.TotalGroups, Is.EqualTo(50));
            var sets = ds.EnumerateBatches().Select(b => b.SetName).Distinct().ToList();
            Assert.That(sets, Is.EqualTo(new[] { "all", "all1" }));
            Assert.That(ds.State, Is.EqualTo(new PuzzleIteratorState(2, 0, 0)));
        }
        finally
        {
            Directory.Delete(other, true);
        }
    }

    [Test]
    public void ReusedBuffers_HoldTheSameBatches()
    {
        using var fresh = Open(4, test: true);
        using var reused = PuzzleDataset.Open(new PuzzleDatasetOptions { DatasetPaths = [_root], Split = "test", GlobalBatchSize = 4, TestSetMode = true, ReuseBatchBuffers = true });
        var expected = fresh.EnumerateBatches().ToList();
        int[]? array = null;
        var i = 0;
        foreach (var b in reused.EnumerateBatches())
        {
            Assert.That(b.Inputs, Is.EqualTo(expected[i].Inputs));
            Assert.That(b.Labels, Is.EqualTo(expected[i].Labels));
            Assert.That(b.PuzzleIdentifiers, Is.EqualTo(expected[i].PuzzleIdentifiers));
            Assert.That(array is null || ReferenceEquals(array, b.Inputs), Is.True);
            array = b.Inputs;
            i++;
        }
        Assert.That(i, Is.EqualTo(expected.Count));
    }

    [Test]
    public void BadOptions_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => Open(10, world: 3));
        Assert.Throws<ArgumentException>(() => Open(9, rank: 3, world: 3));
        var e = Assert.Throws<TrmDataException>(() => PuzzleDataset.Open(new PuzzleDatasetOptions { DatasetPaths = [Path.Combine(_root, "nope")], GlobalBatchSize = 4 }));
        Assert.That(e!.Message, Does.Contain("dataset.json"));
    }
}
