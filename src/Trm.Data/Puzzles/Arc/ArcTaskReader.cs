using System.Text.Json;

namespace Trm.Data.Puzzles.Arc;

/// <summary>
/// Reads ARC-AGI tasks in the public JSON form (<c>{"train": [{"input": [[…]], "output": [[…]]}, …], "test": […]}</c>),
/// one task per file. Grids must be rectangular, 1–30 on each side, with integer colours 0–9; errors name the file
/// and the field path (e.g. <c>train[2].output[4][7]</c>).
/// </summary>
public static class ArcTaskReader
{
    /// <summary>Largest side of an ARC grid.</summary>
    public const int MaxGridSize = 30;

    /// <summary>Reads every <c>*.json</c> task of <paramref name="directory"/>, ordered by file name.</summary>
    /// <exception cref="TrmDataException">The folder is missing or a task is malformed.</exception>
    public static IReadOnlyList<ArcTask> ReadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
            throw new TrmDataException("ARC task folder not found", directory, null, null);
        return [.. Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal).Select(ReadFile)];
    }

    /// <summary>Reads one task file; the id is the file name without extension.</summary>
    public static ArcTask ReadFile(string path)
    {
        if (!File.Exists(path))
            throw new TrmDataException("file not found", path, null, null);
        return Parse(File.ReadAllText(path), Path.GetFileNameWithoutExtension(path), path);
    }

    /// <summary>Parses task JSON text.</summary>
    public static ArcTask Parse(string json, string id, string? file = null)
    {
        using (var doc = PuzzleJson.Parse(json, file))
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new TrmDataException("expected a JSON object with 'train' and 'test'", file, 1, null);
            return new ArcTask(id, Pairs(doc.RootElement, "train", file), Pairs(doc.RootElement, "test", file));
        }
    }

    private static List<ArcPair> Pairs(JsonElement root, string name, string? file)
    {
        if (!root.TryGetProperty(name, out var list) || list.ValueKind != JsonValueKind.Array)
            throw new TrmDataException("missing list of pairs", file, null, name);
        var pairs = new List<ArcPair>();
        var i = 0;
        foreach (var pair in list.EnumerateArray())
        {
            var field = $"{name}[{i}]";
            if (pair.ValueKind != JsonValueKind.Object)
                throw new TrmDataException("expected an object with 'input' and 'output'", file, null, field);
            pairs.Add(new ArcPair(Grid(pair, "input", field, file), Grid(pair, "output", field, file)));
            i++;
        }
        return pairs;
    }

    private static byte[,] Grid(JsonElement pair, string name, string parent, string? file)
    {
        var field = $"{parent}.{name}";
        if (!pair.TryGetProperty(name, out var rows) || rows.ValueKind != JsonValueKind.Array)
            throw new TrmDataException("missing grid (a list of rows)", file, null, field);
        var height = rows.GetArrayLength();
        if (height is 0 or > MaxGridSize)
            throw new TrmDataException($"grid has {height} rows; ARC grids have 1–{MaxGridSize}", file, null, field);
        var width = -1;
        byte[,]? grid = null;
        var r = 0;
        foreach (var row in rows.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Array)
                throw new TrmDataException("row is not a list", file, null, $"{field}[{r}]");
            if (width < 0)
            {
                width = row.GetArrayLength();
                if (width is 0 or > MaxGridSize)
                    throw new TrmDataException($"grid has {width} columns; ARC grids have 1–{MaxGridSize}", file, null, field);
                grid = new byte[height, width];
            }
            else if (row.GetArrayLength() != width)
                throw new TrmDataException($"row has {row.GetArrayLength()} cells, the first row {width}: grids must be rectangular", file, null, $"{field}[{r}]");
            var c = 0;
            foreach (var cell in row.EnumerateArray())
            {
                if (cell.ValueKind != JsonValueKind.Number || !cell.TryGetInt32(out var v) || v is < 0 or > 9)
                    throw new TrmDataException($"colour must be an integer 0–9, got {cell.GetRawText()}", file, null, $"{field}[{r}][{c}]");
                grid![r, c] = (byte)v;
                c++;
            }
            r++;
        }
        return grid!;
    }
}
