using System.Globalization;

namespace Trm.Data.Puzzles.Sudoku;

/// <summary>
/// Reads Sudoku CSV files in the public sudoku-extreme layout: a header <c>source,question,answer,rating</c>, then one
/// puzzle per line with 81-character grids (<c>.</c> or <c>0</c> for blanks) and an integer rating. Every record is
/// checked (grid characters, answer complete and valid, answer keeps the givens); errors name the file, line and field.
/// </summary>
public static class SudokuCsvReader
{
    private static readonly string[] Header = ["source", "question", "answer", "rating"];

    /// <summary>Reads every puzzle of <paramref name="path"/> whose rating is at least <paramref name="minRating"/> (all when null).</summary>
    /// <exception cref="TrmDataException">A line is malformed.</exception>
    public static IEnumerable<SudokuPuzzle> Read(string path, int? minRating = null)
    {
        if (!File.Exists(path))
            throw new TrmDataException("file not found", path, null, null);
        return ReadLines(path, File.ReadLines(path), minRating);
    }

    /// <summary>Reads puzzles from CSV text (for tests and streams); <paramref name="name"/> appears in errors.</summary>
    public static IEnumerable<SudokuPuzzle> Parse(string text, string name = "<csv>", int? minRating = null) =>
        ReadLines(name, text.Split('\n').Select(l => l.TrimEnd('\r')), minRating);

    private static IEnumerable<SudokuPuzzle> ReadLines(string file, IEnumerable<string> lines, int? minRating)
    {
        long lineNumber = 0;
        foreach (var raw in lines)
        {
            lineNumber++;
            if (lineNumber == 1)
            {
                var header = raw.TrimStart('\uFEFF').Split(',');
                if (!header.Select(h => h.Trim()).SequenceEqual(Header))
                    throw new TrmDataException($"expected the header 'source,question,answer,rating', got '{raw}'", file, 1, "header");
                continue;
            }
            if (raw.Length == 0)
                continue;
            var fields = raw.Split(',');
            if (fields.Length != 4)
                throw new TrmDataException($"expected 4 comma-separated fields, got {fields.Length}", file, lineNumber, null);
            var question = Grid(fields[1], file, lineNumber, "question");
            var answer = Grid(fields[2], file, lineNumber, "answer");
            if (!long.TryParse(fields[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var rating))
                throw new TrmDataException($"expected an integer rating, got '{fields[3]}'", file, lineNumber, "rating");
            if (!SudokuSolver.IsValidSolution(answer))
                throw new TrmDataException("the answer is not a complete valid Sudoku grid", file, lineNumber, "answer");
            if (!SudokuSolver.IsSolutionOf(question, answer))
                throw new TrmDataException("the answer contradicts a given of the question", file, lineNumber, "answer");
            if (minRating is { } min && rating < min)
                continue;
            yield return new SudokuPuzzle(question, answer, rating, fields[0]);
        }
        if (lineNumber == 0)
            throw new TrmDataException("empty file: expected the header 'source,question,answer,rating'", file, 1, "header");
    }

    private static byte[] Grid(string text, string file, long line, string field)
    {
        try
        {
            return SudokuPuzzle.ParseGrid(text);
        }
        catch (FormatException e)
        {
            throw new TrmDataException(e.Message, file, line, field, e);
        }
    }
}
