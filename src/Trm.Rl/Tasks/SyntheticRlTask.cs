using System.Globalization;
using Trm.Data.Sft.Tasks;
using Trm.Rl.Rewards;

namespace Trm.Rl.Tasks;

/// <summary>
/// A synthetic verifiable task (<see cref="AdditionTask"/>, <see cref="ReversalTask"/>) as an RL task: problems are the
/// task's problems of one seed (or an explicit list, e.g. a held-out set), the reward and the verifier are exact match of
/// the final answer (<see cref="ExactAnswerReward"/>) unless another reward is given.
/// </summary>
public sealed class SyntheticRlTask : IRlTask
{
    private readonly IReadOnlyList<SyntheticProblem> _problems;
    private readonly long _seed;

    /// <summary>Problems 0 … <paramref name="count"/> − 1 of <paramref name="task"/> for <paramref name="seed"/>.</summary>
    public SyntheticRlTask(SyntheticTask task, long seed, int count, IRewardFunction? reward = null)
        : this(task, (task ?? throw new ArgumentNullException(nameof(task))).Problems(seed, count).ToArray(), seed, reward)
    {
    }

    private SyntheticRlTask(SyntheticTask task, IReadOnlyList<SyntheticProblem> problems, long seed, IRewardFunction? reward)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(problems);
        if (problems.Count == 0) throw new ArgumentException("a task needs at least one problem", nameof(problems));
        Name = task.Name;
        _problems = problems;
        _seed = seed;
        Reward = reward ?? ExactAnswerReward.Instance;
    }

    /// <summary>An explicit list of <paramref name="task"/>'s problems (a held-out set); ids are <c>name:seed:index</c>.</summary>
    public static SyntheticRlTask FromProblems(SyntheticTask task, IReadOnlyList<SyntheticProblem> problems, long seed = 0, IRewardFunction? reward = null) =>
        new(task, problems, seed, reward);

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int Count => _problems.Count;

    /// <inheritdoc/>
    public IRewardFunction Reward { get; }

    /// <inheritdoc/>
    public RlProblem Problem(int index)
    {
        var p = _problems[index];
        return new RlProblem(Name, string.Create(CultureInfo.InvariantCulture, $"{Name}:{_seed}:{index}"), p.Prompt, p.Answer);
    }

    /// <inheritdoc/>
    public bool IsCorrect(RlProblem problem, string response)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return problem.Reference is not null && AnswerVerifier.IsCorrect(response, problem.Reference);
    }
}
