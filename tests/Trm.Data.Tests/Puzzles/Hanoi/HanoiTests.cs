using Trm.Data.Puzzles;
using Trm.Data.Puzzles.Hanoi;

namespace Trm.Data.Tests.Puzzles.Hanoi;

public class HanoiTests
{
    [Test]
    public void ClassicStart_TakesTwoToTheNMinusOneMoves()
    {
        Assert.That(HanoiSolver.DistanceToGoal([0, 0, 0]), Is.EqualTo(7));
        var moves = HanoiSolver.Solve([0, 0, 0]);
        Assert.That(moves.Select(m => m.ToString()), Is.EqualTo(new[] { "A→C", "A→B", "C→B", "A→C", "B→A", "B→C", "A→C" }));
        Assert.That(HanoiSolver.Solve([0, 0, 0, 0, 0]), Has.Count.EqualTo(31));
        Assert.That(HanoiSolver.NextOptimalMove([2, 2]), Is.Null);
    }

    [TestCase(1)]
    [TestCase(3)]
    [TestCase(5)]
    public void Distances_MatchBreadthFirstSearchOverAllStates(int discs)
    {
        // BFS backwards from the goal over the full state graph (every legal move is reversible).
        var count = (int)Math.Pow(3, discs);
        var dist = Enumerable.Repeat(-1, count).ToArray();
        var goal = count - 1; // every disc on peg 2
        dist[goal] = 0;
        var queue = new Queue<int>([goal]);
        while (queue.Count > 0)
        {
            var s = queue.Dequeue();
            var pegs = HanoiSolver.State(discs, s);
            for (var from = 0; from < 3; from++)
                for (var to = 0; to < 3; to++)
                {
                    var move = new HanoiMove(from, to);
                    if (!HanoiSolver.IsLegal(pegs, move))
                        continue;
                    var next = Index(HanoiSolver.Apply(pegs, move));
                    if (dist[next] >= 0)
                        continue;
                    dist[next] = dist[s] + 1;
                    queue.Enqueue(next);
                }
        }
        for (var s = 0; s < count; s++)
        {
            var pegs = HanoiSolver.State(discs, s);
            Assert.That(HanoiSolver.DistanceToGoal(pegs), Is.EqualTo(dist[s]));
            if (HanoiSolver.NextOptimalMove(pegs) is { } m)
            {
                Assert.That(HanoiSolver.IsOptimalMove(pegs, m), Is.True);
                Assert.That(dist[Index(HanoiSolver.Apply(pegs, m))], Is.EqualTo(dist[s] - 1));
            }
        }
    }

    private static int Index(int[] pegs) => pegs.Select((p, i) => p * (int)Math.Pow(3, i)).Sum();

    [Test]
    public void Verifier_RejectsIllegalAndWastefulMoves()
    {
        int[] start = [0, 0, 0];
        Assert.That(HanoiSolver.IsOptimalMove(start, new HanoiMove(0, 2)), Is.True);
        Assert.That(HanoiSolver.IsOptimalMove(start, new HanoiMove(0, 1)), Is.False); // legal, but away from the goal
        Assert.That(HanoiSolver.IsLegal([1, 0], new HanoiMove(0, 1)), Is.False); // disc 2 onto disc 1
        Assert.That(HanoiSolver.IsLegal(start, new HanoiMove(1, 2)), Is.False); // empty peg
    }

    [Test]
    public void Encoding_StateToNextMove()
    {
        // Discs 1, 2 on A and disc 3 on B, with room for 4 discs.
        int[] pegs = [0, 0, 1];
        var input = HanoiEncoding.EncodeInput(pegs, 4);
        var label = HanoiEncoding.EncodeLabel(pegs, 4);
        Assert.That(input, Is.EqualTo(new byte[] { 1, 1, 2, 0, 4, 4 }));
        // Disc 3 must reach C, so discs 1–2 go to A... they are there already: move disc 3 B→C.
        Assert.That(label, Is.EqualTo(new byte[] { 1, 1, 3, 0, 2, 3 }));
        Assert.That(HanoiEncoding.DecodeState(input.Select(b => (int)b).ToArray()), Is.EqualTo(pegs));
        Assert.That(HanoiEncoding.DecodeMove(label.Select(b => (int)b).ToArray()), Is.EqualTo(new HanoiMove(1, 2)));
        Assert.That(HanoiEncoding.EncodeLabel([2, 2], 2), Is.EqualTo(new byte[] { 3, 3, 5, 5 }));
    }

    [Test]
    public void Builder_SplitsByDiscsOrByState()
    {
        var dir = PuzzleTestData.NewTempDirectory();
        try
        {
            var byDiscs = new HanoiDatasetBuilder().WithDiscs(2, 4).Build(Path.Combine(dir, "d"));
            Assert.That((byDiscs.Train.TotalPuzzles, byDiscs.Test.TotalPuzzles), Is.EqualTo((9 + 27, 81)));
            Assert.That((byDiscs.Train.SeqLen, byDiscs.Train.VocabSize, byDiscs.Train.IgnoreLabelId), Is.EqualTo((6, 6, (int?)0)));

            var byState = new HanoiDatasetBuilder().WithDiscs(3, 4).WithSplit(HanoiSplit.ByState, 0.25).WithSeed(1).Build(Path.Combine(dir, "s"));
            Assert.That(byState.Train.TotalPuzzles + byState.Test.TotalPuzzles, Is.EqualTo(27 + 81));
            Assert.That(byState.Test.TotalPuzzles, Is.EqualTo(27));
            var seen = new HashSet<string>();
            foreach (var split in new[] { "train", "test" })
            {
                using var s = PuzzleSplit.Open(Path.Combine(dir, "s", split));
                var input = new int[6];
                var label = new int[6];
                for (var e = 0; e < s.Sets[0].ExampleCount; e++)
                {
                    s.Sets[0].ReadExample(e, input, label);
                    Assert.That(seen.Add(string.Join(",", input)), Is.True, "a state appears in both splits");
                    var pegs = HanoiEncoding.DecodeState(input);
                    if (HanoiEncoding.DecodeMove(label) is { } m)
                        Assert.That(HanoiSolver.IsOptimalMove(pegs, m), Is.True);
                    else
                        Assert.That(HanoiSolver.DistanceToGoal(pegs), Is.Zero);
                }
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
