namespace Trm.Rl.Evaluation;

/// <summary>A multiple-choice question (ARC-Easy/Challenge, MMLU…).</summary>
/// <param name="Question">The question.</param>
/// <param name="Choices">The choices, lettered A, B, C… in this order.</param>
/// <param name="Answer">The index of the right choice.</param>
/// <param name="Id">Where the problem came from (<c>file:line</c>).</param>
public sealed record MultipleChoiceProblem(string Question, IReadOnlyList<string> Choices, int Answer, string Id)
{
    /// <summary>The letter of choice <paramref name="index"/> (A for 0).</summary>
    public static string Letter(int index) => ((char)('A' + index)).ToString();

    /// <summary>
    /// The prompt nanochat uses: <c>Multiple Choice question: {question}</c>, then a line <c>- {choice}={letter}</c> per
    /// choice, then <c>Respond only with the letter of the correct answer.</c>
    /// </summary>
    public string FormatPrompt()
    {
        var lines = new List<string> { $"Multiple Choice question: {Question}" };
        lines.AddRange(Choices.Select((choice, i) => $"- {choice}={Letter(i)}"));
        lines.Add("Respond only with the letter of the correct answer.");
        return string.Join('\n', lines);
    }
}
