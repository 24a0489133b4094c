using Trm.Data.Npy;

namespace Trm.Data.Puzzles;

/// <summary>
/// One set of a split (usually <c>all</c>): examples → puzzles → groups. <see cref="PuzzleIndices"/>[p] ..
/// <see cref="PuzzleIndices"/>[p+1] are the examples of puzzle p, <see cref="GroupIndices"/>[g] ..
/// <see cref="GroupIndices"/>[g+1] the puzzles of group g (a puzzle and its augmentations), and
/// <see cref="PuzzleIdentifiers"/>[p] the puzzle's embedding id. Inputs and labels may be memory-mapped: dispose the set.
/// </summary>
public sealed class PuzzleSet : IDisposable
{
    private readonly int[] _identifiers;
    private readonly int[] _puzzleIndices;
    private readonly int[] _groupIndices;

    internal PuzzleSet(string name, NpyArray inputs, NpyArray labels, int[] puzzleIdentifiers, int[] puzzleIndices, int[] groupIndices)
    {
        Name = name;
        Inputs = inputs;
        Labels = labels;
        _identifiers = puzzleIdentifiers;
        _puzzleIndices = puzzleIndices;
        _groupIndices = groupIndices;
    }

    /// <summary>The set name (file prefix before <c>__</c>).</summary>
    public string Name { get; }

    /// <summary>Inputs, shape [examples, seq_len].</summary>
    public NpyArray Inputs { get; }

    /// <summary>Labels, shape [examples, seq_len].</summary>
    public NpyArray Labels { get; }

    /// <summary>Embedding id of each puzzle, length = puzzles.</summary>
    public IReadOnlyList<int> PuzzleIdentifiers => _identifiers;

    /// <summary>Example offsets of the puzzles, length = puzzles + 1, from 0 to examples.</summary>
    public IReadOnlyList<int> PuzzleIndices => _puzzleIndices;

    /// <summary>Puzzle offsets of the groups, length = groups + 1, from 0 to puzzles.</summary>
    public IReadOnlyList<int> GroupIndices => _groupIndices;

    /// <summary>Number of examples.</summary>
    public int ExampleCount => (int)Inputs.Shape[0];

    /// <summary>Tokens per example.</summary>
    public int SeqLen => Inputs.Rank == 2 ? (int)Inputs.Shape[1] : 0;

    /// <summary>Number of puzzles.</summary>
    public int PuzzleCount => PuzzleIndices.Count - 1;

    /// <summary>Number of groups.</summary>
    public int GroupCount => GroupIndices.Count - 1;

    /// <summary>Copies example <paramref name="example"/>'s input and label tokens (as ints) into the spans, each of length <see cref="SeqLen"/>.</summary>
    public void ReadExample(int example, Span<int> input, Span<int> label)
    {
        if ((uint)example >= (uint)ExampleCount)
            throw new ArgumentOutOfRangeException(nameof(example));
        Inputs.CopyTo((long)example * SeqLen, input[..SeqLen]);
        Labels.CopyTo((long)example * SeqLen, label[..SeqLen]);
    }

    /// <summary>The puzzle that holds <paramref name="example"/> (binary search of <see cref="PuzzleIndices"/>).</summary>
    public int PuzzleOfExample(int example)
    {
        int lo = 0, hi = PuzzleCount - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (PuzzleIndices[mid] <= example)
                lo = mid;
            else
                hi = mid - 1;
        }
        return lo;
    }

    /// <summary>Writes the five <c>&lt;name&gt;__*.npy</c> files of this set into <paramref name="splitDirectory"/>.</summary>
    public void WriteTo(string splitDirectory)
    {
        Directory.CreateDirectory(splitDirectory);
        NpyFile.Write(Path.Combine(splitDirectory, FileName(Name, "inputs")), Inputs);
        NpyFile.Write(Path.Combine(splitDirectory, FileName(Name, "labels")), Labels);
        NpyFile.Write<int>(Path.Combine(splitDirectory, FileName(Name, "puzzle_identifiers")), _identifiers);
        NpyFile.Write<int>(Path.Combine(splitDirectory, FileName(Name, "puzzle_indices")), _puzzleIndices);
        NpyFile.Write<int>(Path.Combine(splitDirectory, FileName(Name, "group_indices")), _groupIndices);
    }

    /// <summary>The file name of <paramref name="field"/> of set <paramref name="set"/>: <c>&lt;set&gt;__&lt;field&gt;.npy</c>.</summary>
    public static string FileName(string set, string field) => $"{set}__{field}.npy";

    /// <inheritdoc />
    public void Dispose()
    {
        Inputs.Dispose();
        Labels.Dispose();
    }
}
