using Trm.Data.Readers;
using Trm.Data.Sft.Tasks;
using Trm.Rl.Rewards;
using Trm.Tokenization.Chat;

namespace Trm.Rl.Tasks;

/// <summary>
/// Problems read from a chat or instruction file (GSM8K JSONL, <c>{"messages":[…]}</c> JSONL and the other formats
/// <see cref="ChatFileReader"/> detects): the prompt is the first user turn, the reference the final answer of the first
/// assistant turn (after its <c>####</c>). GSM8K files get <see cref="Gsm8kReward"/> by default, others
/// <see cref="ExactAnswerReward"/>; correctness is the reward reaching 1.
/// </summary>
public sealed class ChatFileRlTask : IRlTask
{
    private readonly RlProblem[] _problems;

    private ChatFileRlTask(string name, RlProblem[] problems, IRewardFunction reward)
    {
        Name = name;
        _problems = problems;
        Reward = reward;
    }

    /// <summary>Reads <paramref name="path"/>; at most <paramref name="maxProblems"/> problems (the first ones).</summary>
    /// <param name="path">The file.</param>
    /// <param name="name">The task's name (default: the file name without extension).</param>
    /// <param name="reward">The reward (default: GSM8K's for GSM8K files, exact match otherwise).</param>
    /// <param name="maxProblems">Most problems to read; null: all.</param>
    /// <exception cref="InvalidDataException">The file has no usable problem.</exception>
    public static ChatFileRlTask FromFile(string path, string? name = null, IRewardFunction? reward = null, int? maxProblems = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var reader = new ChatFileReader(path, new ChatReaderOptions { Reasoning = ReasoningTraces.Drop });
        var taskName = name ?? Path.GetFileNameWithoutExtension(path);
        var problems = new List<RlProblem>();
        foreach (var conversation in reader.Read())
        {
            if (maxProblems is int max && problems.Count >= max) break;
            var user = conversation.Turns.FirstOrDefault(t => t.Role == ChatRole.User);
            if (user is null || string.IsNullOrWhiteSpace(user.Text)) continue;
            var assistant = conversation.Turns.FirstOrDefault(t => t.Role == ChatRole.Assistant);
            var reference = assistant is null ? null : AnswerVerifier.ExtractAnswer(assistant.Text);
            problems.Add(new RlProblem(taskName, conversation.SourceId, user.Text, reference));
        }
        if (problems.Count == 0) throw new InvalidDataException($"{path}: no problem with a user turn");
        var defaultReward = reader.Format == Trm.Data.Chat.ChatFormat.Gsm8k ? (IRewardFunction)Gsm8kReward.Instance : ExactAnswerReward.Instance;
        return new ChatFileRlTask(taskName, [.. problems], reward ?? defaultReward);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int Count => _problems.Length;

    /// <inheritdoc/>
    public IRewardFunction Reward { get; }

    /// <inheritdoc/>
    public RlProblem Problem(int index) => _problems[index];

    /// <inheritdoc/>
    public bool IsCorrect(RlProblem problem, string response)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return Reward.Score(new RewardInput(problem.Task, problem.Prompt, response, problem.Reference)) >= 1.0;
    }
}
