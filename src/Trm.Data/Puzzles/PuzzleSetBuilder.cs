using Trm.Data.Npy;

namespace Trm.Data.Puzzles;

/// <summary>
/// Accumulates one set in memory: add the examples of a puzzle with <see cref="AddExample"/>, close the puzzle with
/// <see cref="EndPuzzle"/> (giving its identifier), and close a group (a puzzle and its augmentations) with
/// <see cref="EndGroup"/>. Tokens are stored as <c>uint8</c>, as the reference builders do. Not thread-safe.
/// </summary>
public sealed class PuzzleSetBuilder
{
    private readonly List<byte> _inputs = [];
    private readonly List<byte> _labels = [];
    private readonly List<int> _identifiers = [];
    private readonly List<int> _puzzleIndices = [0];
    private readonly List<int> _groupIndices = [0];
    private int _examples;

    /// <summary>Creates a builder for set <paramref name="name"/> with <paramref name="seqLen"/> tokens per example.</summary>
    public PuzzleSetBuilder(int seqLen, string name = "all")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seqLen);
        ArgumentException.ThrowIfNullOrEmpty(name);
        SeqLen = seqLen;
        Name = name;
    }

    /// <summary>The set name.</summary>
    public string Name { get; }

    /// <summary>Tokens per example.</summary>
    public int SeqLen { get; }

    /// <summary>Examples added so far.</summary>
    public int ExampleCount => _examples;

    /// <summary>Puzzles closed so far.</summary>
    public int PuzzleCount => _identifiers.Count;

    /// <summary>Groups closed so far.</summary>
    public int GroupCount => _groupIndices.Count - 1;

    /// <summary>Adds one example (input and label token ids, each of length <see cref="SeqLen"/>) to the open puzzle.</summary>
    public PuzzleSetBuilder AddExample(ReadOnlySpan<byte> input, ReadOnlySpan<byte> label)
    {
        if (input.Length != SeqLen || label.Length != SeqLen)
            throw new ArgumentException($"Examples need {SeqLen} tokens (input has {input.Length}, label {label.Length}).");
        _inputs.AddRange(input);
        _labels.AddRange(label);
        _examples++;
        return this;
    }

    /// <summary>Closes the open puzzle (it must have at least one example) with embedding id <paramref name="identifier"/>.</summary>
    public PuzzleSetBuilder EndPuzzle(int identifier)
    {
        if (_examples == _puzzleIndices[^1])
            throw new InvalidOperationException("A puzzle needs at least one example.");
        _identifiers.Add(identifier);
        _puzzleIndices.Add(_examples);
        return this;
    }

    /// <summary>Closes the open group (it must hold at least one closed puzzle).</summary>
    public PuzzleSetBuilder EndGroup()
    {
        if (_examples != _puzzleIndices[^1])
            throw new InvalidOperationException("Close the puzzle (EndPuzzle) before the group.");
        if (_identifiers.Count == _groupIndices[^1])
            throw new InvalidOperationException("A group needs at least one puzzle.");
        _groupIndices.Add(_identifiers.Count);
        return this;
    }

    /// <summary>Returns the accumulated set (all puzzles and groups must be closed).</summary>
    public PuzzleSet Build()
    {
        if (_examples != _puzzleIndices[^1] || _identifiers.Count != _groupIndices[^1])
            throw new InvalidOperationException("Close the open puzzle and group before building.");
        var inputs = NpyArray.FromArray<byte>(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_inputs), _examples, SeqLen);
        var labels = NpyArray.FromArray<byte>(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_labels), _examples, SeqLen);
        return new PuzzleSet(Name, inputs, labels, [.. _identifiers], [.. _puzzleIndices], [.. _groupIndices]);
    }
}
