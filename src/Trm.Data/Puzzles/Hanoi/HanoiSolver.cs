namespace Trm.Data.Puzzles.Hanoi;

/// <summary>
/// Tower of Hanoi with three pegs, from any of the 3ⁿ states to the goal "all discs on one peg". A state is the peg
/// (0, 1, 2) of each disc, smallest disc first; every such assignment is a legal state (discs on a peg are stacked by
/// size). The optimal next move follows the classic recursion: if the largest disc is on the target, solve the rest
/// for the target; otherwise first move the smaller discs to the third peg, then the largest disc. Also the verifier:
/// a move is optimal when it is legal and lowers the distance to the goal by one. Stateless and thread-safe.
/// </summary>
public static class HanoiSolver
{
    /// <summary>The goal peg used by the dataset (C).</summary>
    public const int DefaultTarget = 2;

    /// <summary>Minimum number of moves from <paramref name="pegs"/> to all discs on <paramref name="target"/>.</summary>
    public static long DistanceToGoal(ReadOnlySpan<int> pegs, int target = DefaultTarget)
    {
        Check(pegs);
        long moves = 0;
        for (var k = pegs.Length - 1; k >= 0; k--)
        {
            if (pegs[k] == target)
                continue;
            // Disc k must move: the k smaller discs go to the third peg (cost from here), then disc k, then 2^k - 1 to rebuild.
            moves += 1 + ((1L << k) - 1);
            target = 3 - pegs[k] - target;
        }
        return moves;
    }

    /// <summary>The optimal next move towards all discs on <paramref name="target"/>, or <see langword="null"/> when solved.</summary>
    public static HanoiMove? NextOptimalMove(ReadOnlySpan<int> pegs, int target = DefaultTarget)
    {
        Check(pegs);
        HanoiMove? move = null;
        // Walk from the largest disc down: the last disc that must move towards its current sub-target moves first.
        for (var k = pegs.Length - 1; k >= 0; k--)
        {
            if (pegs[k] == target)
                continue;
            move = new HanoiMove(pegs[k], target);
            target = 3 - pegs[k] - target;
        }
        return move;
    }

    /// <summary>Whether the top disc of <c>move.From</c> may go onto <c>move.To</c>.</summary>
    public static bool IsLegal(ReadOnlySpan<int> pegs, HanoiMove move)
    {
        Check(pegs);
        if (move.From is < 0 or > 2 || move.To is < 0 or > 2 || move.From == move.To)
            return false;
        var top = TopDisc(pegs, move.From);
        if (top < 0)
            return false;
        var under = TopDisc(pegs, move.To);
        return under < 0 || under > top;
    }

    /// <summary>The state after <paramref name="move"/>.</summary>
    /// <exception cref="ArgumentException">The move is illegal.</exception>
    public static int[] Apply(ReadOnlySpan<int> pegs, HanoiMove move)
    {
        if (!IsLegal(pegs, move))
            throw new ArgumentException($"Move {move} is illegal here.", nameof(move));
        var next = pegs.ToArray();
        next[TopDisc(pegs, move.From)] = move.To;
        return next;
    }

    /// <summary>The verifier: whether <paramref name="move"/> is legal and one step closer to the goal.</summary>
    public static bool IsOptimalMove(ReadOnlySpan<int> pegs, HanoiMove move, int target = DefaultTarget) =>
        IsLegal(pegs, move) && DistanceToGoal(Apply(pegs, move), target) == DistanceToGoal(pegs, target) - 1;

    /// <summary>The optimal move sequence from <paramref name="pegs"/> to the goal.</summary>
    public static IReadOnlyList<HanoiMove> Solve(ReadOnlySpan<int> pegs, int target = DefaultTarget)
    {
        var moves = new List<HanoiMove>();
        var state = pegs.ToArray();
        while (NextOptimalMove(state, target) is { } m)
        {
            moves.Add(m);
            state = Apply(state, m);
        }
        return moves;
    }

    /// <summary>State number <paramref name="index"/> of the 3ⁿ states of <paramref name="discs"/> discs (base-3 digits, smallest disc first).</summary>
    public static int[] State(int discs, long index)
    {
        var pegs = new int[discs];
        for (var i = 0; i < discs; i++)
        {
            pegs[i] = (int)(index % 3);
            index /= 3;
        }
        return pegs;
    }

    private static int TopDisc(ReadOnlySpan<int> pegs, int peg)
    {
        for (var i = 0; i < pegs.Length; i++)
            if (pegs[i] == peg)
                return i;
        return -1;
    }

    private static void Check(ReadOnlySpan<int> pegs)
    {
        foreach (var p in pegs)
            if (p is < 0 or > 2)
                throw new ArgumentException($"Pegs are 0, 1, 2; got {p}.", nameof(pegs));
    }
}
