using Trm.Data.Puzzles.Sudoku;

namespace Trm.Data.Tests.Puzzles.Sudoku;

public class SudokuAugmentationTests
{
    [Test]
    public void RandomAugmentations_PreserveValidityAndInvert()
    {
        var generator = new SudokuGenerator(seed: 2, clues: 30);
        for (var seed = 0; seed < 40; seed++)
        {
            var p = generator.Next();
            var aug = SudokuAugmentation.Random(seed);
            var puzzle = aug.Apply(p.Puzzle);
            var solution = aug.Apply(p.Solution);
            Assert.That(SudokuSolver.IsValidSolution(solution), Is.True, aug.ToString());
            Assert.That(SudokuSolver.IsSolutionOf(puzzle, solution), Is.True);
            Assert.That(SudokuSolver.CountSolutions(puzzle), Is.EqualTo(1));
            Assert.That(puzzle.Count(d => d == 0), Is.EqualTo(p.Puzzle.Count(d => d == 0)));
            var inverse = aug.Inverse();
            Assert.That(inverse.Apply(puzzle), Is.EqualTo(p.Puzzle));
            Assert.That(inverse.Apply(solution), Is.EqualTo(p.Solution));
        }
    }

    [Test]
    public void HandMadeTransform_MovesCellsAsDocumented()
    {
        // Transpose, swap bands 0 and 1 (rows 3,4,5,0,1,2,6,7,8), identity columns, digits d -> 10 - d.
        var aug = new SudokuAugmentation([0, 9, 8, 7, 6, 5, 4, 3, 2, 1], true, [3, 4, 5, 0, 1, 2, 6, 7, 8], [0, 1, 2, 3, 4, 5, 6, 7, 8]);
        var grid = new byte[81];
        grid[1 * 9 + 4] = 2; // row 1, column 4
        var result = aug.Apply(grid);
        // Transposed: (4, 1). Row 4 of the transposed grid lands at output row 1 (rows[1] = 4). Digit 2 -> 8.
        Assert.That(result[1 * 9 + 1], Is.EqualTo(8));
        Assert.That(result.Count(d => d != 0), Is.EqualTo(1));
    }

    [Test]
    public void InvalidMaps_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => new SudokuAugmentation([1, 0, 2, 3, 4, 5, 6, 7, 8, 9], false, [0, 1, 2, 3, 4, 5, 6, 7, 8], [0, 1, 2, 3, 4, 5, 6, 7, 8]));
        // Row 3 moved into band 0 breaks the box structure.
        Assert.Throws<ArgumentException>(() => new SudokuAugmentation([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], false, [3, 1, 2, 0, 4, 5, 6, 7, 8], [0, 1, 2, 3, 4, 5, 6, 7, 8]));
    }
}
