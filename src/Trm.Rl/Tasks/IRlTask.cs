using Trm.Rl.Rewards;

namespace Trm.Rl.Tasks;

/// <summary>
/// A verifiable task for RL: a fixed, indexable list of problems, the reward that scores replies, and the verifier that
/// says whether a reply is correct (for pass@1 and rejection sampling). Implementations must be thread-safe for reads.
/// </summary>
public interface IRlTask
{
    /// <summary>The task's name (the key in a task mix such as <c>gsm8k:0.45,addition:0.55</c>).</summary>
    string Name { get; }

    /// <summary>Problems in the task.</summary>
    int Count { get; }

    /// <summary>The reward that GRPO optimises.</summary>
    IRewardFunction Reward { get; }

    /// <summary>Problem <paramref name="index"/> (0 ≤ index &lt; <see cref="Count"/>).</summary>
    RlProblem Problem(int index);

    /// <summary>Whether <paramref name="response"/> answers <paramref name="problem"/> correctly.</summary>
    bool IsCorrect(RlProblem problem, string response);
}
