using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Trm.Inference.Generation;
using Trm.Model.Language;
using Trm.Rl.Policies;
using Trm.Rl.Rewards;
using Trm.Rl.Tasks;
using Trm.Tokenization;
using Trm.Tokenization.Chat;

namespace Trm.Rl.RejectionSampling;

/// <summary>
/// Rejection sampling for RS-SFT: k replies per problem, kept when the task's verifier accepts them (or the best r by a
/// reward), written as <c>{"messages":[user, assistant], "provenance":{task, problem_id, reward, correct, sample_index,
/// checkpoint, seed}}</c> JSON lines that the <c>r1_rs_sft</c> recipe (and any JSONL chat reader) reads. Runs are
/// resumable: a restarted run skips finished problems and never writes a line twice (see the <c>.progress</c> sidecar).
/// Each problem samples with its own seed (from the base seed and the problem id), so a resumed run draws what the
/// first would have.
/// </summary>
public sealed class RejectionSampler : IDisposable
{
    private readonly TextGenerator _generator;
    private readonly ChatTemplate _template;
    private readonly IRewardFunction? _scorer;
    private readonly ILogger _logger;

    /// <summary>Creates a sampler over <paramref name="model"/> (not disposed by the sampler).</summary>
    /// <param name="model">The chat model.</param>
    /// <param name="baseTokenizer">Its base tokenizer (the chat template is added).</param>
    /// <param name="options">The settings.</param>
    /// <param name="scorer">Scores samples for <see cref="RejectionSelection.TopR"/> and the recorded reward (default: each task's reward).</param>
    /// <param name="logger">Progress logs.</param>
    public RejectionSampler(ICausalLanguageModel model, Tokenizer baseTokenizer, RejectionSamplingOptions options, IRewardFunction? scorer = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(baseTokenizer);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _template = ChatTemplate.Create(baseTokenizer);
        _generator = TextGenerator.CreateBuilder().WithModel(model).WithTokenizer(_template.Tokenizer).Build();
        _scorer = scorer;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The settings.</summary>
    public RejectionSamplingOptions Options { get; }

    /// <summary>The seed problem <paramref name="problemId"/> samples with under base seed <paramref name="seed"/>.</summary>
    public static long ProblemSeed(long seed, string problemId)
    {
        ArgumentNullException.ThrowIfNull(problemId);
        ulong hash = 14695981039346656037UL; // FNV-1a over the id's UTF-8 bytes
        foreach (var b in Encoding.UTF8.GetBytes(problemId)) hash = (hash ^ b) * 1099511628211UL;
        return (long)((hash ^ (ulong)seed) & 0x7FFF_FFFF_FFFF_FFFFUL);
    }

    /// <summary>Samples every problem of <paramref name="tasks"/> (at most <paramref name="maxProblemsPerTask"/> each) not finished before, appending to <paramref name="outputPath"/>.</summary>
    /// <exception cref="InvalidDataException">The output exists but was not written by a resumable run, or is damaged beyond a torn last line.</exception>
    public RejectionSamplingReport Run(IReadOnlyList<IRlTask> tasks, string outputPath, int? maxProblemsPerTask = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        using var log = ProgressLog.Open(outputPath);
        int problems = 0, resumed = 0, samples = 0, accepted = 0, written = 0;
        var o = Options;
        foreach (var task in tasks)
        {
            int count = Math.Min(task.Count, maxProblemsPerTask ?? int.MaxValue);
            for (int index = 0; index < count; index++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var problem = task.Problem(index);
                if (log.Done.Contains(problem.Id))
                {
                    resumed++;
                    continue;
                }
                long seed = ProblemSeed(o.Seed, problem.Id);
                var prompt = Rollouts.Prompt(_template, problem, _generator.Model.MaxPositions, o.MaxNewTokens);
                var generation = new GenerationOptions { Temperature = o.Temperature, TopK = o.TopK, MaxNewTokens = o.MaxNewTokens, Seed = seed };
                var results = Rollouts.Generate(_generator, _template, Enumerable.Repeat(prompt, o.SamplesPerPrompt).ToArray(), generation, o.SamplesPerPrompt, cancellationToken);
                var scorer = _scorer ?? task.Reward;
                var scored = results.Select((r, i) => (Index: i, r.Text,
                    Reward: scorer.Score(new RewardInput(problem.Task, problem.Prompt, r.Text, problem.Reference)),
                    Correct: task.IsCorrect(problem, r.Text))).ToList();
                var chosen = o.Selection == RejectionSelection.Verifier
                    ? scored.Where(s => s.Correct).ToList()
                    : scored.Where(s => s.Reward >= o.MinReward).OrderByDescending(s => s.Reward).ThenBy(s => s.Index).Take(o.TopR).ToList();
                accepted += chosen.Count;
                if (o.DistinctReplies) chosen = chosen.DistinctBy(s => s.Text, StringComparer.Ordinal).ToList();
                var lines = chosen.Take(o.MaxPerPrompt).Select(s => Record(problem, s.Text, s.Reward, s.Correct, s.Index, seed)).ToList();
                log.Commit(problem.Id, lines);
                problems++;
                samples += results.Count;
                written += lines.Count;
            }
        }
        _logger.LogInformation("rejection sampling: {Problems} problems ({Resumed} done before), {Samples} samples, {Accepted} accepted, {Written} written to {Output}",
            problems, resumed, samples, accepted, written, outputPath);
        return new RejectionSamplingReport(problems, resumed, samples, accepted, written, outputPath);
    }

    /// <inheritdoc/>
    public void Dispose() => _generator.Dispose();

    private string Record(RlProblem problem, string reply, double reward, bool correct, int sampleIndex, long seed)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("messages");
            Message(json, "user", problem.Prompt);
            Message(json, "assistant", reply);
            json.WriteEndArray();
            json.WriteStartObject("provenance");
            json.WriteString("task", problem.Task);
            json.WriteString("problem_id", problem.Id);
            json.WriteNumber("reward", reward);
            json.WriteBoolean("correct", correct);
            json.WriteNumber("sample_index", sampleIndex);
            json.WriteString("checkpoint", Options.Checkpoint);
            json.WriteNumber("seed", seed);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Message(Utf8JsonWriter json, string role, string content)
    {
        json.WriteStartObject();
        json.WriteString("role", role);
        json.WriteString("content", content);
        json.WriteEndObject();
    }
}
