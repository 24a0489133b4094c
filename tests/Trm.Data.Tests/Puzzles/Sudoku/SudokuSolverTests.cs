using Trm.Data.Puzzles.Sudoku;

namespace Trm.Data.Tests.Puzzles.Sudoku;

public class SudokuSolverTests
{
    // A well-known puzzle and its unique solution (checked by hand against the rules below).
    private const string Puzzle = "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79";
    private const string Solution = "534678912672195348198342567859761423426853791713924856961537284287419635345286179";

    [Test]
    public void SolvesKnownPuzzleUniquely()
    {
        var result = SudokuSolver.Solve(SudokuPuzzle.ParseGrid(Puzzle));
        Assert.That(result.SolutionCount, Is.EqualTo(1));
        Assert.That(SudokuPuzzle.FormatGrid(result.Solution), Is.EqualTo(Solution));
        Assert.That(SudokuSolver.IsSolutionOf(SudokuPuzzle.ParseGrid(Puzzle), SudokuPuzzle.ParseGrid(Solution)), Is.True);
    }

    [Test]
    public void EmptyGrid_HasManySolutions_AndContradictionHasNone()
    {
        Assert.That(SudokuSolver.CountSolutions(new byte[81], 5), Is.EqualTo(5));
        var bad = SudokuPuzzle.ParseGrid(Puzzle);
        bad[2] = 5; // second 5 in row 0
        Assert.That(SudokuSolver.IsConsistent(bad), Is.False);
        Assert.That(SudokuSolver.CountSolutions(bad), Is.Zero);
        // Consistent givens that still admit no solution: row 0 needs a 9 at cell 8, but column 8 already has one.
        var dead = new byte[81];
        for (var c = 0; c < 8; c++)
            dead[c] = (byte)(c + 1);
        dead[80] = 9;
        Assert.That(SudokuSolver.IsConsistent(dead), Is.True);
        Assert.That(SudokuSolver.Solve(dead).SolutionCount, Is.Zero);
    }

    [Test]
    public void FindConflicts_NamesEveryRepeatedGivenByUnitAndCell()
    {
        Assert.That(SudokuSolver.FindConflicts(SudokuPuzzle.ParseGrid(Puzzle)), Is.Empty);
        var bad = SudokuPuzzle.ParseGrid(Puzzle);
        bad[2] = 5; // r1c3: a second 5 in row 1 (r1c1), and in box 1 (r1c1); column 3 has no other 5
        bad[72] = 6; // r9c1: a second 6 in column 1 (r2c1) and in box 7 (r7c2)
        var conflicts = SudokuSolver.FindConflicts(bad);
        Assert.That(conflicts.Select(c => c.ToString()), Is.EqualTo(new[]
        {
            "5 twice in row 1 (r1c1 and r1c3)",
            "6 twice in column 1 (r2c1 and r9c1)",
            "5 twice in box 1 (r1c1 and r1c3)",
            "6 twice in box 7 (r7c2 and r9c1)",
        }));
        Assert.That(conflicts[1], Is.EqualTo(new SudokuConflict(6, "column 1", 9, 72)));
        Assert.That(SudokuConflict.CellName(80), Is.EqualTo("r9c9"));
        Assert.That(() => SudokuSolver.FindConflicts(new byte[80]), Throws.ArgumentException);
    }

    [Test]
    public void Verifier_RejectsWrongOrIncompleteAnswers()
    {
        var puzzle = SudokuPuzzle.ParseGrid(Puzzle);
        var answer = SudokuPuzzle.ParseGrid(Solution);
        (answer[0], answer[1]) = (answer[1], answer[0]);
        Assert.That(SudokuSolver.IsSolutionOf(puzzle, answer), Is.False);
        Assert.That(SudokuSolver.IsValidSolution(puzzle), Is.False);
        // A different valid grid that changes a given is also rejected.
        var relabelled = SudokuPuzzle.ParseGrid(Solution).Select(d => (byte)(d % 9 + 1)).ToArray();
        Assert.That(SudokuSolver.IsValidSolution(relabelled), Is.True);
        Assert.That(SudokuSolver.IsSolutionOf(puzzle, relabelled), Is.False);
    }

    [TestCase(45)]
    [TestCase(30)]
    [TestCase(17)]
    public void GeneratedPuzzles_HaveExactlyOneSolution(int clues)
    {
        var generator = new SudokuGenerator(seed: 11, clues);
        for (var i = 0; i < 5; i++)
        {
            var p = generator.Next();
            Assert.That(SudokuSolver.CountSolutions(p.Puzzle, 3), Is.EqualTo(1));
            Assert.That(SudokuSolver.IsSolutionOf(p.Puzzle, p.Solution), Is.True);
            Assert.That(p.Clues, Is.GreaterThanOrEqualTo(clues));
            if (clues >= 30)
                Assert.That(p.Clues, Is.EqualTo(clues));
        }
    }

    [Test]
    public void Generator_IsDeterministicPerSeedAndIndex()
    {
        var a = SudokuGenerator.Generate(5, 3, 40);
        var b = SudokuGenerator.Generate(5, 3, 40);
        var c = SudokuGenerator.Generate(5, 4, 40);
        Assert.That(a.Puzzle, Is.EqualTo(b.Puzzle));
        Assert.That(a.Puzzle, Is.Not.EqualTo(c.Puzzle));
    }
}
