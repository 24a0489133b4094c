using Trm.Data.Puzzles.Sudoku;
using Trm.Torch;

namespace Trm.Visualization.Tests;

public class ViewTests
{
    [Test]
    public void TensorView_ShowsShapeDtypeAndFirstValues()
    {
        using var t = Tensors.Arange(12, DType.Float32).Reshape(3, 4);
        Assert.That(TensorView.ToText(t, maxValues: 5), Is.EqualTo("Tensor [3, 4] Float32 cpu: [0, 1, 2, 3, 4, …]"));
        using var half = Tensors.FromArray(new float[] { 0.5f, -1.25f }, 2);
        Assert.That(TensorView.ToText(half), Is.EqualTo("Tensor [2] Float32 cpu: [0.5, -1.25]"));
        Assert.That(TensorView.ToHtml(half), Is.EqualTo("<pre class=\"trm-tensor\">Tensor [2] Float32 cpu: [0.5, -1.25]</pre>"));
        t.Dispose();
        Assert.That(TensorView.ToText(t), Is.EqualTo("Tensor (disposed)"));
    }

    [Test]
    public void TensorView_LeavesNoTemporaries()
    {
        using var t = Tensors.Ones([4, 4]);
        long before = Engine.LiveTensorCount;
        _ = TensorView.ToText(t);
        Assert.That(Engine.LiveTensorCount, Is.EqualTo(before));
    }

    [Test]
    public void SudokuGrid_RendersTextAndHtml()
    {
        byte[] puzzle = SudokuPuzzle.ParseGrid("53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79");
        var grid = new SudokuGrid(puzzle);
        Assert.That(grid.Blanks, Is.EqualTo(51));
        Assert.That(grid.ToString(), Does.StartWith("5 3 . | . 7 . | . . ."));
        string html = grid.ToHtml();
        Assert.That(System.Text.RegularExpressions.Regex.Matches(html, "<td").Count, Is.EqualTo(81));
        Assert.That(html, Does.Contain(">5</td>").And.Contain("&nbsp;"));
        var tokens = new byte[81];
        SudokuEncoding.Encode(puzzle, tokens);
        var fromTokens = SudokuGrid.FromTokens(tokens.Select(b => (int)b).ToArray(), tokens.Select(b => (int)b).ToArray());
        Assert.That(fromTokens.Cells, Is.EqualTo(puzzle));
        Assert.That(fromTokens.ToHtml(), Does.Contain("font-weight:bold"));
    }
}
