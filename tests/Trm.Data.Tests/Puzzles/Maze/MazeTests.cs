using Trm.Data.Puzzles;
using Trm.Data.Puzzles.Maze;

namespace Trm.Data.Tests.Puzzles.Maze;

public class MazeTests
{
    [Test]
    public void GeneratedLabels_AreTheUniqueShortestPath()
    {
        var generator = new MazeGenerator(15);
        for (var i = 0; i < 20; i++)
        {
            var maze = generator.Generate(1, i);
            Assert.That(MazeSolver.IsShortestPathLabel(maze.Input, maze.Label), Is.True);
            Assert.That(MazeSolver.CountShortestPaths(maze.Input), Is.EqualTo(1));
            Assert.That(maze.Label.Count(c => c == 'o'), Is.EqualTo(MazeSolver.ShortestDistance(maze.Input) - 1));
            Assert.That(maze.Input.Count(c => c == 'S'), Is.EqualTo(1));
            Assert.That(maze.Input, Has.None.EqualTo('o'));
            // Borders are walls.
            for (var k = 0; k < 15; k++)
                Assert.That(new[] { maze.Input[k], maze.Input[14 * 15 + k], maze.Input[k * 15], maze.Input[k * 15 + 14] }, Is.All.EqualTo('#'));
        }
    }

    [Test]
    public void HandMadeMaze_VerifierAcceptsOnlyTheShortestPath()
    {
        // 5×5: S at (1,1), G at (1,3); the direct route through (1,2) is length 2, the detour length 6.
        const string input =
            "#####" +
            "#S G#" +
            "# # #" +
            "#   #" +
            "#####";
        const string shortest =
            "#####" +
            "#SoG#" +
            "# # #" +
            "#   #" +
            "#####";
        const string detour =
            "#####" +
            "#S G#" +
            "#o#o#" +
            "#ooo#" +
            "#####";
        Assert.That(MazeSolver.ShortestDistance(input), Is.EqualTo(2));
        Assert.That(MazeSolver.IsShortestPathLabel(input, shortest), Is.True);
        Assert.That(MazeSolver.IsShortestPathLabel(input, detour), Is.False);
        Assert.That(new string(MazeSolver.Label(input)!), Is.EqualTo(shortest));
        Assert.That(MazeSolver.CountShortestPaths(input), Is.EqualTo(1));
        Assert.That(MazeSolver.CountShortestPaths(input.Replace("S G", "S#G")), Is.EqualTo(1)); // only the detour remains
        Assert.That(MazeSolver.ShortestDistance(input.Replace("S G", "S#G")), Is.EqualTo(6));
    }

    [Test]
    public void DihedralTransforms_KeepLabelsShortestPaths()
    {
        var maze = new MazeGenerator(11).Generate(3, 0);
        for (var t = 0; t < 8; t++)
        {
            var input = DihedralTransform.ApplySquare<char>(maze.Input, 11, t);
            var label = DihedralTransform.ApplySquare<char>(maze.Label, 11, t);
            Assert.That(MazeSolver.IsShortestPathLabel(input, label), Is.True, $"transform {t}");
        }
    }

    [Test]
    public void Encoding_UsesTheReferenceCharset()
    {
        Assert.That(MazeEncoding.Encode("# SGo"), Is.EqualTo(new byte[] { 1, 2, 3, 4, 5 }));
        Assert.That(new string(MazeEncoding.Decode([1, 2, 3, 4, 5])), Is.EqualTo("# SGo"));
        Assert.Throws<ArgumentException>(() => MazeEncoding.Encode("x"));
    }

    [Test]
    public void Builder_WritesAugmentedGroups()
    {
        var dir = PuzzleTestData.NewTempDirectory();
        try
        {
            var result = new MazeDatasetBuilder().WithSeed(2).WithSize(9).WithCounts(4, 3).WithDihedralAugmentation().Build(Path.Combine(dir, "maze"));
            Assert.That((result.Train.TotalGroups, result.Train.TotalPuzzles, result.Test.TotalPuzzles), Is.EqualTo((4, 32, 3)));
            Assert.That((result.Train.SeqLen, result.Train.VocabSize), Is.EqualTo((81, 6)));
            using var split = PuzzleSplit.Open(Path.Combine(dir, "maze", "train"));
            var input = new int[81];
            var label = new int[81];
            for (var e = 0; e < split.Sets[0].ExampleCount; e++)
            {
                split.Sets[0].ReadExample(e, input, label);
                Assert.That(MazeSolver.IsShortestPathLabel(MazeEncoding.Decode(input), MazeEncoding.Decode(label)), Is.True);
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
