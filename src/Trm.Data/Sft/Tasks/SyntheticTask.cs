using Trm.Data.Chat;
using Trm.Tokenization.Chat;

namespace Trm.Data.Sft.Tasks;

/// <summary>
/// A generated, verifiable chat task: problem <c>i</c> of seed <c>s</c> is always the same problem, so train and
/// held-out sets are reproducible. Replies are <c>#### answer</c>, with the worked steps in a think block or not, and
/// <see cref="AnswerVerifier"/> checks a model's reply by exact match of the final answer.
/// </summary>
public abstract class SyntheticTask
{
    /// <summary>The task's name (<c>addition</c>, <c>reversal</c>).</summary>
    public abstract string Name { get; }

    /// <summary>Problem <paramref name="index"/> of <paramref name="seed"/>.</summary>
    public SyntheticProblem Problem(long seed, long index)
    {
        var rng = new SplitMix64(SplitMix64.Mix(unchecked((ulong)seed), unchecked((ulong)index) ^ 0x7A5C_0000_0000_0001UL));
        return Generate(ref rng);
    }

    /// <summary>Problems 0 … <paramref name="count"/> − 1 of <paramref name="seed"/>.</summary>
    public IEnumerable<SyntheticProblem> Problems(long seed, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        for (var i = 0; i < count; i++)
            yield return Problem(seed, i);
    }

    /// <summary>
    /// <paramref name="count"/> problems of <paramref name="seed"/> whose prompts are not in <paramref name="exclude"/>
    /// (a held-out set disjoint from a training set), in index order.
    /// </summary>
    /// <exception cref="InvalidOperationException">The task cannot make that many distinct new problems.</exception>
    public IReadOnlyList<SyntheticProblem> HeldOut(long seed, int count, IEnumerable<SyntheticProblem> exclude)
    {
        ArgumentNullException.ThrowIfNull(exclude);
        var seen = exclude.Select(p => p.Prompt).ToHashSet(StringComparer.Ordinal);
        var result = new List<SyntheticProblem>(count);
        for (long i = 0; result.Count < count; i++)
        {
            if (i > 100L * count + 10_000)
                throw new InvalidOperationException($"the {Name} task cannot make {count} problems outside the {seen.Count} excluded ones");
            var problem = Problem(seed, i);
            if (seen.Add(problem.Prompt))
                result.Add(problem);
        }
        return result;
    }

    /// <summary>The problem as a training conversation: user prompt, assistant <c>#### answer</c>, with the steps as its think trace when <paramref name="think"/>.</summary>
    public Conversation ToConversation(SyntheticProblem problem, bool think, string? sourceId = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var reply = new ChatTurn(ChatRole.Assistant, Reply(problem)) { Reasoning = think ? problem.Reasoning : null };
        return new Conversation([new ChatTurn(ChatRole.User, problem.Prompt), reply], sourceId ?? Name);
    }

    /// <summary>
    /// Conversations for problems 0 … <paramref name="count"/> − 1: problem i thinks when
    /// <c>floor((i + 1) f) &gt; floor(i f)</c> for f = <paramref name="thinkFraction"/>: exactly <c>floor(count × f)</c> of them, spread evenly (0: none, 1: all).
    /// </summary>
    public IEnumerable<Conversation> Conversations(long seed, int count, double thinkFraction)
    {
        if (double.IsNaN(thinkFraction) || thinkFraction is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(thinkFraction), thinkFraction, "must be in [0, 1]");
        var index = 0;
        foreach (var problem in Problems(seed, count))
        {
            // problem i thinks when floor((i + 1) f) > floor(i f): exactly floor(count f) of the first count, spread evenly
            var think = Math.Floor((index + 1) * thinkFraction + 1e-9) > Math.Floor(index * thinkFraction + 1e-9);
            yield return ToConversation(problem, think, $"{Name}:{seed}:{index}");
            index++;
        }
    }

    /// <summary>The reply text for <paramref name="problem"/>: <c>#### answer</c>.</summary>
    public static string Reply(SyntheticProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return AnswerVerifier.AnswerMarker + " " + problem.Answer;
    }

    /// <summary>Whether <paramref name="reply"/> (think block allowed) gives <paramref name="problem"/>'s answer.</summary>
    public static bool Verify(SyntheticProblem problem, string reply)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return AnswerVerifier.IsCorrect(reply, problem.Answer);
    }

    /// <summary>Draws one problem from <paramref name="rng"/>.</summary>
    private protected abstract SyntheticProblem Generate(ref SplitMix64 rng);
}
