using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Trm.Data.Puzzles;

/// <summary>
/// The contents of a split's <c>dataset.json</c> in the TRM/HRM reference layout: token ids, sizes and the set names.
/// Field names on disk are snake_case (<c>pad_id</c>, <c>ignore_label_id</c>, …).
/// </summary>
public sealed record PuzzleDatasetMetadata
{
    /// <summary>Token id used to pad inputs (<c>pad_id</c>).</summary>
    public int PadId { get; init; }

    /// <summary>Label id that means "no loss here" (<c>ignore_label_id</c>); mapped to -100 in batches. <see langword="null"/> when every label counts.</summary>
    public int? IgnoreLabelId { get; init; }

    /// <summary>Puzzle identifier used for padding rows (<c>blank_identifier_id</c>).</summary>
    public int BlankIdentifierId { get; init; }

    /// <summary>Number of token ids (<c>vocab_size</c>); every input and label id is below it.</summary>
    public int VocabSize { get; init; }

    /// <summary>Tokens per example (<c>seq_len</c>).</summary>
    public int SeqLen { get; init; }

    /// <summary>Number of puzzle identifiers including the blank one (<c>num_puzzle_identifiers</c>): the size of the puzzle embedding table.</summary>
    public int NumPuzzleIdentifiers { get; init; }

    /// <summary>Number of groups over all sets of the split (<c>total_groups</c>).</summary>
    public int TotalGroups { get; init; }

    /// <summary>Mean examples per puzzle (<c>mean_puzzle_examples</c>).</summary>
    public double MeanPuzzleExamples { get; init; }

    /// <summary>Number of puzzles (<c>total_puzzles</c>). The reference Sudoku and Maze builders write the group count here.</summary>
    public int TotalPuzzles { get; init; }

    /// <summary>The set names (<c>sets</c>), usually just <c>all</c>; each names the <c>&lt;set&gt;__*.npy</c> files.</summary>
    public IReadOnlyList<string> Sets { get; init; } = ["all"];

    /// <summary>The file name of the metadata inside a split folder.</summary>
    public const string FileName = "dataset.json";

    /// <summary>Computes the totals (groups, puzzles, mean examples) of <paramref name="sets"/> and returns metadata with the given encoding.</summary>
    /// <param name="sets">The sets of one split.</param>
    /// <param name="vocabSize">Number of token ids.</param>
    /// <param name="numPuzzleIdentifiers">Identifiers including the blank one.</param>
    /// <param name="padId">Padding token id.</param>
    /// <param name="ignoreLabelId">Label id excluded from the loss, or <see langword="null"/>.</param>
    /// <param name="blankIdentifierId">Identifier of padding rows.</param>
    public static PuzzleDatasetMetadata Describe(IReadOnlyList<PuzzleSet> sets, int vocabSize, int numPuzzleIdentifiers, int padId = 0, int? ignoreLabelId = 0, int blankIdentifierId = 0)
    {
        ArgumentNullException.ThrowIfNull(sets);
        if (sets.Count == 0)
            throw new ArgumentException("A split needs at least one set.", nameof(sets));
        long examples = 0;
        int puzzles = 0, groups = 0;
        foreach (var set in sets)
        {
            examples += set.ExampleCount;
            puzzles += set.PuzzleCount;
            groups += set.GroupCount;
        }
        return new PuzzleDatasetMetadata
        {
            PadId = padId,
            IgnoreLabelId = ignoreLabelId,
            BlankIdentifierId = blankIdentifierId,
            VocabSize = vocabSize,
            SeqLen = sets[0].SeqLen,
            NumPuzzleIdentifiers = numPuzzleIdentifiers,
            TotalGroups = groups,
            MeanPuzzleExamples = puzzles == 0 ? 0 : (double)examples / puzzles,
            TotalPuzzles = puzzles,
            Sets = [.. sets.Select(s => s.Name)],
        };
    }

    /// <summary>Serialises to the reference JSON (same keys and order as the Python builders).</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("pad_id", PadId);
            if (IgnoreLabelId is { } ignore)
                w.WriteNumber("ignore_label_id", ignore);
            else
                w.WriteNull("ignore_label_id");
            w.WriteNumber("blank_identifier_id", BlankIdentifierId);
            w.WriteNumber("vocab_size", VocabSize);
            w.WriteNumber("seq_len", SeqLen);
            w.WriteNumber("num_puzzle_identifiers", NumPuzzleIdentifiers);
            w.WriteNumber("total_groups", TotalGroups);
            // Always written with a decimal point, as Python's json writes a float.
            w.WritePropertyName("mean_puzzle_examples");
            var mean = MeanPuzzleExamples.ToString("R", CultureInfo.InvariantCulture);
            if (!mean.Contains('.') && !mean.Contains('E') && !mean.Contains('e'))
                mean += ".0";
            w.WriteRawValue(mean);
            w.WriteNumber("total_puzzles", TotalPuzzles);
            w.WriteStartArray("sets");
            foreach (var s in Sets)
                w.WriteStringValue(s);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Parses <c>dataset.json</c> text. Unknown keys (written by some forks) are ignored.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="file">The file name for error messages.</param>
    /// <param name="totalPuzzlesFallback">Called when <c>total_puzzles</c> is missing (older HRM datasets) (given the set names) to count puzzles from the index files.</param>
    /// <exception cref="TrmDataException">A field is missing or has the wrong type (message names the file and field).</exception>
    public static PuzzleDatasetMetadata Parse(string json, string? file = null, Func<IReadOnlyList<string>, int>? totalPuzzlesFallback = null)
    {
        using (var doc = PuzzleJson.Parse(json, file))
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new TrmDataException("expected a JSON object", file, 1, null);
            int Int(string name)
            {
                if (!root.TryGetProperty(name, out var v))
                    throw new TrmDataException("missing field", file, null, name);
                if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var i))
                {
                    if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && d == Math.Floor(d) && Math.Abs(d) < int.MaxValue)
                        return (int)d;
                    throw new TrmDataException($"expected an integer, got {v.GetRawText()}", file, null, name);
                }
                return i;
            }
            int? ignore = null;
            if (root.TryGetProperty("ignore_label_id", out var ig) && ig.ValueKind != JsonValueKind.Null)
                ignore = Int("ignore_label_id");
            if (!root.TryGetProperty("mean_puzzle_examples", out var mean) || mean.ValueKind != JsonValueKind.Number)
                throw new TrmDataException(mean.ValueKind == JsonValueKind.Undefined ? "missing field" : "expected a number", file, null, "mean_puzzle_examples");
            if (!root.TryGetProperty("sets", out var sets) || sets.ValueKind != JsonValueKind.Array)
                throw new TrmDataException("missing field or not a list of set names", file, null, "sets");
            var names = new List<string>();
            foreach (var s in sets.EnumerateArray())
            {
                if (s.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(s.GetString()))
                    throw new TrmDataException($"set names must be non-empty strings, got {s.GetRawText()}", file, null, "sets");
                names.Add(s.GetString()!);
            }
            if (names.Count == 0)
                throw new TrmDataException("no sets listed", file, null, "sets");
            int totalPuzzles;
            if (root.TryGetProperty("total_puzzles", out _) || totalPuzzlesFallback is null)
                totalPuzzles = Int("total_puzzles");
            else
                totalPuzzles = totalPuzzlesFallback(names);
            var metadata = new PuzzleDatasetMetadata
            {
                PadId = Int("pad_id"),
                IgnoreLabelId = ignore,
                BlankIdentifierId = Int("blank_identifier_id"),
                VocabSize = Int("vocab_size"),
                SeqLen = Int("seq_len"),
                NumPuzzleIdentifiers = Int("num_puzzle_identifiers"),
                TotalGroups = Int("total_groups"),
                MeanPuzzleExamples = mean.GetDouble(),
                TotalPuzzles = totalPuzzles,
                Sets = names,
            };
            metadata.Check(file);
            return metadata;
        }
    }

    /// <summary>Checks the ranges of the fields.</summary>
    internal void Check(string? file)
    {
        if (VocabSize <= 0)
            throw new TrmDataException($"must be positive, got {VocabSize}", file, null, "vocab_size");
        if (SeqLen <= 0)
            throw new TrmDataException($"must be positive, got {SeqLen}", file, null, "seq_len");
        if (PadId < 0 || PadId >= VocabSize)
            throw new TrmDataException($"{PadId} is outside the vocabulary [0, {VocabSize})", file, null, "pad_id");
        if (NumPuzzleIdentifiers <= 0)
            throw new TrmDataException($"must be positive, got {NumPuzzleIdentifiers}", file, null, "num_puzzle_identifiers");
        if (BlankIdentifierId < 0 || BlankIdentifierId >= NumPuzzleIdentifiers)
            throw new TrmDataException($"{BlankIdentifierId} is outside [0, {NumPuzzleIdentifiers})", file, null, "blank_identifier_id");
        if (TotalGroups < 0)
            throw new TrmDataException($"must not be negative, got {TotalGroups}", file, null, "total_groups");
    }
}
