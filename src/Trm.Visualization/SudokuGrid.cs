using System.Net;
using System.Text;
using Trm.Data.Puzzles.Sudoku;

namespace Trm.Visualization;

/// <summary>
/// A 9 × 9 Sudoku grid to show (digits 1-9, 0 for a blank), optionally with the puzzle it answers so that filled-in
/// cells stand out. Notebooks register <see cref="ToHtml"/> as its formatter; <see cref="ToString"/> is the text grid.
/// </summary>
/// <param name="Cells">81 digits, row by row (0 = blank).</param>
/// <param name="Givens">The puzzle's digits (0 = blank), or null: cells given there are drawn bold.</param>
public sealed record SudokuGrid(byte[] Cells, byte[]? Givens = null)
{
    /// <summary>A grid from model tokens (the Sudoku encoding: 1 = blank, 2..10 = digits 1..9).</summary>
    /// <param name="tokens">81 tokens.</param>
    /// <param name="givenTokens">The puzzle's tokens, or null.</param>
    public static SudokuGrid FromTokens(ReadOnlySpan<int> tokens, ReadOnlySpan<int> givenTokens = default) =>
        new(SudokuEncoding.Decode(tokens), givenTokens.IsEmpty ? null : SudokuEncoding.Decode(givenTokens));

    /// <summary>Number of blank cells.</summary>
    public int Blanks => Cells.Count(c => c == 0);

    /// <summary>The grid as nine text lines with box separators (<c>.</c> for blanks).</summary>
    public override string ToString() => SudokuEncoding.Render(Cells);

    /// <summary>The grid as an HTML table with 3 × 3 box borders; cells given by the puzzle are bold.</summary>
    public string ToHtml()
    {
        var html = new StringBuilder("<table class=\"trm-sudoku\" style=\"border-collapse:collapse;font-family:monospace;font-size:16px\">");
        for (int r = 0; r < 9; r++)
        {
            html.Append("<tr>");
            for (int c = 0; c < 9; c++)
            {
                byte d = Cells[r * 9 + c];
                bool given = Givens is not null && Givens[r * 9 + c] != 0;
                string top = r % 3 == 0 ? "2px" : "1px", left = c % 3 == 0 ? "2px" : "1px";
                string bottom = r == 8 ? "2px" : "0", right = c == 8 ? "2px" : "0";
                html.Append($"<td style=\"width:22px;height:22px;text-align:center;border:solid #444;border-width:{top} {right} {bottom} {left};{(given ? "font-weight:bold" : "color:#1565c0")}\">");
                html.Append(d == 0 ? "&nbsp;" : WebUtility.HtmlEncode(d.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                html.Append("</td>");
            }
            html.Append("</tr>");
        }
        return html.Append("</table>").ToString();
    }
}
