using Trm.Data.Puzzles;

namespace Trm.Data.Tests.Puzzles;

public class DihedralTransformTests
{
    private static readonly int[,] Grid = { { 1, 2, 3 }, { 4, 5, 6 } };

    // Expected values computed with NumPy: rot90(k), fliplr, flipud, .T, fliplr(rot90).
    [TestCase(0, new[] { 1, 2, 3, 4, 5, 6 }, 2)]
    [TestCase(1, new[] { 3, 6, 2, 5, 1, 4 }, 3)]
    [TestCase(2, new[] { 6, 5, 4, 3, 2, 1 }, 2)]
    [TestCase(3, new[] { 4, 1, 5, 2, 6, 3 }, 3)]
    [TestCase(4, new[] { 3, 2, 1, 6, 5, 4 }, 2)]
    [TestCase(5, new[] { 4, 5, 6, 1, 2, 3 }, 2)]
    [TestCase(6, new[] { 1, 4, 2, 5, 3, 6 }, 3)]
    [TestCase(7, new[] { 6, 3, 5, 2, 4, 1 }, 3)]
    public void Transforms_MatchNumPy(int id, int[] expected, int rows)
    {
        var result = DihedralTransform.Apply(Grid, id);
        Assert.That(result.GetLength(0), Is.EqualTo(rows));
        Assert.That(result.Cast<int>(), Is.EqualTo(expected));
        Assert.That(DihedralTransform.Apply(result, DihedralTransform.Inverse(id)), Is.EqualTo(Grid));
    }
}
