namespace Trm.Data.Puzzles.Hanoi;

/// <summary>A move of the top disc of peg <paramref name="From"/> onto peg <paramref name="To"/> (pegs 0, 1, 2 = A, B, C).</summary>
/// <param name="From">Source peg.</param>
/// <param name="To">Destination peg.</param>
public readonly record struct HanoiMove(int From, int To)
{
    /// <inheritdoc />
    public override string ToString() => $"{(char)('A' + From)}→{(char)('A' + To)}";
}
