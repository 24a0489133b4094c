using Trm.Core.IO;
using Trm.Data.Npy;

namespace Trm.Data.Puzzles;

/// <summary>
/// One split folder of the reference layout (<c>train/</c> or <c>test/</c>): <c>dataset.json</c> plus, per set,
/// <c>&lt;set&gt;__inputs.npy</c>, <c>__labels.npy</c>, <c>__puzzle_identifiers.npy</c>, <c>__puzzle_indices.npy</c> and
/// <c>__group_indices.npy</c>. <see cref="Open"/> validates shapes, index monotonicity, bounds and token ids, and throws
/// <see cref="TrmDataException"/> naming the file and field at fault. Dispose to release memory-mapped files.
/// </summary>
public sealed class PuzzleSplit : IDisposable
{
    private readonly PuzzleSet[] _sets;

    private PuzzleSplit(string directory, PuzzleDatasetMetadata metadata, PuzzleSet[] sets)
    {
        Directory = directory;
        Metadata = metadata;
        _sets = sets;
    }

    /// <summary>The split folder.</summary>
    public string Directory { get; }

    /// <summary>The parsed <c>dataset.json</c>.</summary>
    public PuzzleDatasetMetadata Metadata { get; }

    /// <summary>The sets, in the order of <see cref="PuzzleDatasetMetadata.Sets"/>.</summary>
    public IReadOnlyList<PuzzleSet> Sets => _sets;

    /// <summary>Opens and validates the split at <paramref name="directory"/>.</summary>
    /// <param name="directory">The split folder holding <c>dataset.json</c>.</param>
    /// <param name="memoryMap">Memory-map inputs and labels instead of reading them (for large sets).</param>
    /// <param name="validateTokens">Scan inputs and labels to check every id is inside the vocabulary.</param>
    /// <exception cref="TrmDataException">A file is missing or inconsistent (message names the file and field).</exception>
    public static PuzzleSplit Open(string directory, bool memoryMap = true, bool validateTokens = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var metaPath = Path.Combine(directory, PuzzleDatasetMetadata.FileName);
        if (!File.Exists(metaPath))
            throw new TrmDataException("missing dataset.json: not a puzzle split folder", metaPath, null, null);
        // Older HRM datasets have no total_puzzles: count it from the index files, as the reference loader does.
        var metadata = PuzzleDatasetMetadata.Parse(File.ReadAllText(metaPath), metaPath, sets =>
            sets.Sum(set => (int)NpyFile.ReadHeader(Path.Combine(directory, PuzzleSet.FileName(set, "puzzle_indices"))).Shape[0] - 1));
        var opened = new List<PuzzleSet>();
        try
        {
            foreach (var name in metadata.Sets)
            {
                var set = OpenSet(directory, name, memoryMap);
                opened.Add(set);
                Validate(directory, set, metadata, validateTokens);
            }
        }
        catch
        {
            foreach (var s in opened)
                s.Dispose();
            throw;
        }
        return new PuzzleSplit(directory, metadata, [.. opened]);
    }

    /// <summary>Writes <paramref name="sets"/> and <paramref name="metadata"/> into <paramref name="directory"/> (created if needed; each file atomically).</summary>
    public static void Write(string directory, PuzzleDatasetMetadata metadata, IReadOnlyList<PuzzleSet> sets)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(sets);
        System.IO.Directory.CreateDirectory(directory);
        foreach (var set in sets)
        {
            if (set.SeqLen != metadata.SeqLen)
                throw new ArgumentException($"Set '{set.Name}' has seq_len {set.SeqLen}, metadata says {metadata.SeqLen}.", nameof(sets));
            set.WriteTo(directory);
        }
        AtomicFile.WriteAllText(Path.Combine(directory, PuzzleDatasetMetadata.FileName), metadata.ToJson());
    }

    private static PuzzleSet OpenSet(string directory, string name, bool memoryMap)
    {
        string P(string field)
        {
            var path = Path.Combine(directory, PuzzleSet.FileName(name, field));
            if (!File.Exists(path))
                throw new TrmDataException($"missing file of set '{name}'", path, null, field);
            return path;
        }
        var inputsPath = P("inputs");
        var labelsPath = P("labels");
        var identifiers = ReadIndexArray(P("puzzle_identifiers"), "puzzle_identifiers");
        var puzzleIndices = ReadIndexArray(P("puzzle_indices"), "puzzle_indices");
        var groupIndices = ReadIndexArray(P("group_indices"), "group_indices");
        var inputs = memoryMap ? NpyFile.OpenMapped(inputsPath) : NpyFile.Read(inputsPath);
        NpyArray labels;
        try
        {
            labels = memoryMap ? NpyFile.OpenMapped(labelsPath) : NpyFile.Read(labelsPath);
        }
        catch
        {
            inputs.Dispose();
            throw;
        }
        return new PuzzleSet(name, inputs, labels, identifiers, puzzleIndices, groupIndices);
    }

    private static int[] ReadIndexArray(string path, string field)
    {
        using var array = NpyFile.Read(path);
        if (array.Rank != 1)
            throw new TrmDataException($"expected a 1-d array, got shape ({string.Join(", ", array.Shape)})", path, null, field);
        if (!NpyDTypeInfo.IsInteger(array.DType) || array.DType == NpyDType.Bool)
            throw new TrmDataException($"expected integers, got {array.DType}", path, null, field);
        try
        {
            return array.ToInt32Array();
        }
        catch (OverflowException e)
        {
            throw new TrmDataException("value does not fit a 32-bit integer", path, null, field, e);
        }
    }

    private static void Validate(string directory, PuzzleSet set, PuzzleDatasetMetadata metadata, bool validateTokens)
    {
        string F(string field) => Path.Combine(directory, PuzzleSet.FileName(set.Name, field));
        foreach (var (array, field) in new[] { (set.Inputs, "inputs"), (set.Labels, "labels") })
        {
            if (array.Rank != 2 || array.Shape[1] != metadata.SeqLen)
                throw new TrmDataException($"expected shape (examples, {metadata.SeqLen}) for seq_len {metadata.SeqLen}, got ({string.Join(", ", array.Shape)})", F(field), null, field);
            if (!NpyDTypeInfo.IsInteger(array.DType))
                throw new TrmDataException($"expected integer token ids, got {array.DType}", F(field), null, field);
        }
        if (set.Labels.Shape[0] != set.Inputs.Shape[0])
            throw new TrmDataException($"labels have {set.Labels.Shape[0]} examples, inputs {set.Inputs.Shape[0]}", F("labels"), null, "labels");
        var examples = set.ExampleCount;

        CheckOffsets(set.PuzzleIndices, examples, "examples", F("puzzle_indices"), "puzzle_indices");
        var puzzles = set.PuzzleCount;
        CheckOffsets(set.GroupIndices, puzzles, "puzzles", F("group_indices"), "group_indices");
        if (set.PuzzleIdentifiers.Count != puzzles)
            throw new TrmDataException($"has {set.PuzzleIdentifiers.Count} entries but puzzle_indices describes {puzzles} puzzles", F("puzzle_identifiers"), null, "puzzle_identifiers");
        for (var p = 0; p < puzzles; p++)
        {
            var id = set.PuzzleIdentifiers[p];
            if (id < 0 || id >= metadata.NumPuzzleIdentifiers)
                throw new TrmDataException($"puzzle {p} has identifier {id}, outside [0, num_puzzle_identifiers={metadata.NumPuzzleIdentifiers})", F("puzzle_identifiers"), null, "puzzle_identifiers");
        }
        if (!validateTokens)
            return;
        var (inMin, inMax) = set.Inputs.IntegerRange();
        if (examples > 0 && (inMin < 0 || inMax >= metadata.VocabSize))
            throw new TrmDataException($"token ids span [{inMin}, {inMax}], outside the vocabulary [0, vocab_size={metadata.VocabSize})", F("inputs"), null, "inputs");
        var (lMin, lMax) = set.Labels.IntegerRange();
        if (examples > 0 && (lMin < 0 || lMax >= metadata.VocabSize))
        {
            // Labels may hold ignore_label_id outside the vocabulary only when it equals that id.
            if (!(metadata.IgnoreLabelId is { } ig && LabelsInRange(set.Labels, metadata.VocabSize, ig)))
                throw new TrmDataException($"label ids span [{lMin}, {lMax}], outside the vocabulary [0, vocab_size={metadata.VocabSize}) and not ignore_label_id", F("labels"), null, "labels");
        }
    }

    private static bool LabelsInRange(NpyArray labels, int vocab, int ignore)
    {
        var row = new int[labels.Shape[1]];
        for (long e = 0; e < labels.Shape[0]; e++)
        {
            labels.CopyTo(e * row.Length, row);
            foreach (var v in row)
                if ((v < 0 || v >= vocab) && v != ignore)
                    return false;
        }
        return true;
    }

    private static void CheckOffsets(IReadOnlyList<int> offsets, int total, string what, string file, string field)
    {
        if (offsets.Count == 0)
            throw new TrmDataException("is empty; it needs at least the leading 0", file, null, field);
        if (offsets[0] != 0)
            throw new TrmDataException($"must start at 0, starts at {offsets[0]}", file, null, field);
        for (var i = 1; i < offsets.Count; i++)
        {
            if (offsets[i] <= offsets[i - 1])
                throw new TrmDataException($"must increase strictly: entry {i} is {offsets[i]} after {offsets[i - 1]}", file, null, field);
        }
        if (offsets[^1] != total)
            throw new TrmDataException($"ends at {offsets[^1]} but there are {total} {what}", file, null, field);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var s in _sets)
            s.Dispose();
    }
}
