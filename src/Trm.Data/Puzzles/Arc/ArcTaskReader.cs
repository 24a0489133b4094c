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

    /// <summary>
    /// Reads tasks from a folder of task files, or from a Kaggle-style challenges file (a JSON object of task id →
    /// task, e.g. <c>arc-agi_training_challenges.json</c>) whose test outputs come from the sibling
    /// <c>…_solutions.json</c> (task id → list of output grids) when it exists, or are a 1×1 grid of 0 otherwise
    /// (as in the reference builder).
    /// </summary>
    public static IReadOnlyList<ArcTask> Read(string path) =>
        Directory.Exists(path) ? ReadDirectory(path) : ReadChallenges(path);

    /// <summary>Reads a Kaggle-style challenges file (see <see cref="Read"/>), ordered by task id.</summary>
    /// <exception cref="TrmDataException">A file is missing or malformed.</exception>
    public static IReadOnlyList<ArcTask> ReadChallenges(string challengesPath)
    {
        if (!File.Exists(challengesPath))
            throw new TrmDataException("ARC task folder or challenges file not found", challengesPath, null, null);
        var name = Path.GetFileName(challengesPath);
        var solutionsPath = name.Contains("challenges", StringComparison.Ordinal)
            ? Path.Combine(Path.GetDirectoryName(challengesPath) ?? "", name.Replace("challenges", "solutions", StringComparison.Ordinal))
            : null;
        Dictionary<string, JsonElement>? solutions = null;
        using var solutionsDoc = solutionsPath is not null && File.Exists(solutionsPath) ? PuzzleJson.Parse(File.ReadAllText(solutionsPath), solutionsPath) : null;
        if (solutionsDoc is not null)
        {
            if (solutionsDoc.RootElement.ValueKind != JsonValueKind.Object)
                throw new TrmDataException("expected a JSON object of task id → output grids", solutionsPath, 1, null);
            solutions = solutionsDoc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
        }
        using var doc = PuzzleJson.Parse(File.ReadAllText(challengesPath), challengesPath);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
            throw new TrmDataException("expected a JSON object of task id → task", challengesPath, 1, null);
        var tasks = new List<ArcTask>();
        foreach (var entry in doc.RootElement.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var id = entry.Name;
            if (entry.Value.ValueKind != JsonValueKind.Object)
                throw new TrmDataException("expected an object with 'train' and 'test'", challengesPath, null, id);
            var train = Pairs(entry.Value, "train", challengesPath, id + ".");
            if (!entry.Value.TryGetProperty("test", out var tests) || tests.ValueKind != JsonValueKind.Array)
                throw new TrmDataException("missing list of pairs", challengesPath, null, id + ".test");
            var test = new List<ArcPair>();
            var k = 0;
            foreach (var pair in tests.EnumerateArray())
            {
                var field = $"{id}.test[{k}]";
                var input = Grid(pair, "input", field, challengesPath);
                byte[,] output;
                if (pair.TryGetProperty("output", out _))
                    output = Grid(pair, "output", field, challengesPath);
                else if (solutions is not null && solutions.TryGetValue(id, out var sol) && sol.ValueKind == JsonValueKind.Array && sol.GetArrayLength() > k)
                    output = GridRows(sol[k], $"{id}[{k}]", solutionsPath);
                else
                    output = new byte[1, 1];
                test.Add(new ArcPair(input, output));
                k++;
            }
            tasks.Add(new ArcTask(id, train, test));
        }
        return tasks;
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

    private static List<ArcPair> Pairs(JsonElement root, string name, string? file, string prefix = "")
    {
        if (!root.TryGetProperty(name, out var list) || list.ValueKind != JsonValueKind.Array)
            throw new TrmDataException("missing list of pairs", file, null, prefix + name);
        var pairs = new List<ArcPair>();
        var i = 0;
        foreach (var pair in list.EnumerateArray())
        {
            var field = $"{prefix}{name}[{i}]";
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
        if (!pair.TryGetProperty(name, out var rows))
            throw new TrmDataException("missing grid (a list of rows)", file, null, field);
        return GridRows(rows, field, file);
    }

    private static byte[,] GridRows(JsonElement rows, string field, string? file)
    {
        if (rows.ValueKind != JsonValueKind.Array)
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
