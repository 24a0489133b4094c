namespace Trm.Data.Puzzles.Hanoi;

/// <summary>
/// Token encoding of Tower of Hanoi as "state → next optimal move" (goal: every disc on peg C), seq_len =
/// max discs + 2, vocabulary 6:
/// <list type="bullet">
/// <item>PAD 0; pegs A, B, C → 1, 2, 3; QUERY 4; DONE 5.</item>
/// <item>Input: position i &lt; n holds the peg of disc i (smallest first); positions n … max−1 are PAD; the last two are QUERY.</item>
/// <item>Label: positions i &lt; n hold disc i's peg after the optimal move (PAD, i.e. ignored, beyond n); the last two hold the move's
/// source and destination pegs, or DONE DONE when the state is already solved.</item>
/// </list>
/// Labels use ignore id 0 (PAD), so a model is scored on the next state and the move.
/// </summary>
public static class HanoiEncoding
{
    /// <summary>Padding token (also the ignored label).</summary>
    public const byte Pad = 0;

    /// <summary>Token of peg A; B and C follow.</summary>
    public const byte PegA = 1;

    /// <summary>The query marker in the input's move slots.</summary>
    public const byte Query = 4;

    /// <summary>The label of the move slots when the state is solved.</summary>
    public const byte Done = 5;

    /// <summary>Vocabulary size.</summary>
    public const int VocabSize = 6;

    /// <summary>Tokens per example for up to <paramref name="maxDiscs"/> discs.</summary>
    public static int SeqLen(int maxDiscs) => maxDiscs + 2;

    /// <summary>Encodes a state (pegs 0–2, smallest disc first) as an input of <see cref="SeqLen"/>(<paramref name="maxDiscs"/>) tokens.</summary>
    public static byte[] EncodeInput(ReadOnlySpan<int> pegs, int maxDiscs)
    {
        if (pegs.Length > maxDiscs)
            throw new ArgumentException($"{pegs.Length} discs do not fit {maxDiscs}.", nameof(pegs));
        var tokens = new byte[SeqLen(maxDiscs)];
        for (var i = 0; i < pegs.Length; i++)
            tokens[i] = (byte)(PegA + pegs[i]);
        tokens[maxDiscs] = tokens[maxDiscs + 1] = Query;
        return tokens;
    }

    /// <summary>Encodes the label of a state: the state after its optimal move, and the move (or DONE).</summary>
    public static byte[] EncodeLabel(ReadOnlySpan<int> pegs, int maxDiscs)
    {
        var move = HanoiSolver.NextOptimalMove(pegs);
        var after = move is { } m ? HanoiSolver.Apply(pegs, m) : pegs.ToArray();
        var tokens = EncodeInput(after, maxDiscs);
        if (move is { } mv)
        {
            tokens[maxDiscs] = (byte)(PegA + mv.From);
            tokens[maxDiscs + 1] = (byte)(PegA + mv.To);
        }
        else
        {
            tokens[maxDiscs] = tokens[maxDiscs + 1] = Done;
        }
        return tokens;
    }

    /// <summary>Decodes an input back into the state (discs until the first PAD).</summary>
    public static int[] DecodeState(ReadOnlySpan<int> tokens)
    {
        var pegs = new List<int>();
        foreach (var t in tokens[..^2])
        {
            if (t is < PegA or > PegA + 2)
                break;
            pegs.Add(t - PegA);
        }
        return [.. pegs];
    }

    /// <summary>Decodes the move slots of a label (null for DONE or anything that is not a pair of pegs).</summary>
    public static HanoiMove? DecodeMove(ReadOnlySpan<int> tokens)
    {
        int from = tokens[^2] - PegA, to = tokens[^1] - PegA;
        return from is >= 0 and <= 2 && to is >= 0 and <= 2 ? new HanoiMove(from, to) : null;
    }

    /// <summary>Draws a state as three peg lines, e.g. <c>A: 3 1</c> (largest disc first, discs numbered from 1).</summary>
    public static string Render(ReadOnlySpan<int> pegs)
    {
        var sb = new System.Text.StringBuilder();
        for (var peg = 0; peg < 3; peg++)
        {
            sb.Append((char)('A' + peg)).Append(':');
            for (var d = pegs.Length - 1; d >= 0; d--)
                if (pegs[d] == peg)
                    sb.Append(' ').Append(d + 1);
            sb.AppendLine();
        }
        return sb.ToString();
    }
}
