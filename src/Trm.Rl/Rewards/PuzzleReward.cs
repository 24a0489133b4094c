namespace Trm.Rl.Rewards;

/// <summary>
/// Rewards a puzzle answer written as a string of cells (a Sudoku row-major, a maze path…): the final answer (after the
/// last <c>####</c>, else the whole reply) with white space removed is compared with the reference solution. Solved
/// (equal) scores <see cref="SolvedReward"/>; a valid but wrong answer (as long as the solution, every cell in
/// <see cref="Alphabet"/> when one is given, and accepted by the optional validity check) scores
/// <see cref="ValidReward"/>; anything else 0.
/// </summary>
public sealed class PuzzleReward : IRewardFunction
{
    private readonly Func<string, string, bool>? _isValid;

    /// <summary>Creates the reward.</summary>
    /// <param name="alphabet">The characters a cell may hold (null: any).</param>
    /// <param name="validReward">Score of a valid unsolved answer (default 0.1).</param>
    /// <param name="solvedReward">Score of a solved puzzle (default 1).</param>
    /// <param name="isValid">An extra validity check on (answer, reference), e.g. "no Sudoku rule broken and the givens kept".</param>
    public PuzzleReward(string? alphabet = null, double validReward = 0.1, double solvedReward = 1.0, Func<string, string, bool>? isValid = null)
    {
        if (!double.IsFinite(validReward)) throw new ArgumentOutOfRangeException(nameof(validReward), validReward, "must be finite");
        if (!double.IsFinite(solvedReward)) throw new ArgumentOutOfRangeException(nameof(solvedReward), solvedReward, "must be finite");
        Alphabet = alphabet;
        ValidReward = validReward;
        SolvedReward = solvedReward;
        _isValid = isValid;
    }

    /// <summary>The characters a cell may hold, or null.</summary>
    public string? Alphabet { get; }

    /// <summary>Score of a valid but unsolved answer.</summary>
    public double ValidReward { get; }

    /// <summary>Score of a solved puzzle.</summary>
    public double SolvedReward { get; }

    /// <inheritdoc/>
    public string Name => "puzzle";

    /// <summary>The cells of <paramref name="response"/>'s final answer (white space removed).</summary>
    public static string Cells(string response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var (_, answer) = Trm.Tokenization.Chat.ThinkTrace.Split(response);
        int marker = answer.LastIndexOf("####", StringComparison.Ordinal);
        if (marker >= 0) answer = answer[(marker + 4)..];
        return string.Concat(answer.Where(c => !char.IsWhiteSpace(c)));
    }

    /// <inheritdoc/>
    public double Score(RewardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Reference is null) return 0;
        var cells = Cells(input.Response);
        var solution = string.Concat(input.Reference.Where(c => !char.IsWhiteSpace(c)));
        if (cells == solution) return SolvedReward;
        bool valid = cells.Length == solution.Length
            && (Alphabet is null || cells.All(c => Alphabet.Contains(c, StringComparison.Ordinal)))
            && (_isValid is null || _isValid(cells, solution));
        return valid ? ValidReward : 0;
    }
}
