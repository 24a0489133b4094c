using Trm.Inference.Generation;
using Trm.Model.Language;
using Trm.Rl.Tasks;
using Trm.Tokenization;
using Trm.Tokenization.Chat;

namespace Trm.Rl.Policies;

/// <summary>
/// pass@1 of a chat model on a task's problems: one reply per problem (greedy by default), the fraction the task's
/// verifier accepts. (The general pass@k evaluators live in <c>Trm.Rl.Evaluation</c>; this is the cheap number GRPO and
/// the samples log.)
/// </summary>
public static class PassAtOne
{
    /// <summary>Measures pass@1.</summary>
    /// <param name="model">The model.</param>
    /// <param name="baseTokenizer">Its base tokenizer (the chat template is added).</param>
    /// <param name="task">The problems and the verifier.</param>
    /// <param name="maxNewTokens">Most tokens per reply.</param>
    /// <param name="temperature">0 (default): greedy.</param>
    /// <param name="maxProblems">Most problems (the first ones); null: all.</param>
    /// <param name="batchSize">Rows per generation batch.</param>
    /// <param name="seed">Sampling seed when the temperature is positive.</param>
    /// <param name="cancellationToken">Stops between tokens.</param>
    /// <returns>The fraction correct, in [0, 1].</returns>
    public static double Measure(ICausalLanguageModel model, Tokenizer baseTokenizer, IRlTask task, int maxNewTokens, double temperature = 0,
        int? maxProblems = null, int batchSize = 64, long seed = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(baseTokenizer);
        var template = ChatTemplate.Create(baseTokenizer);
        using var generator = TextGenerator.CreateBuilder().WithModel(model).WithTokenizer(template.Tokenizer).Build();
        return Measure(generator, template, task, maxNewTokens, temperature, maxProblems, batchSize, seed, cancellationToken);
    }

    internal static double Measure(TextGenerator generator, ChatTemplate template, IRlTask task, int maxNewTokens, double temperature,
        int? maxProblems, int batchSize, long seed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int count = Math.Min(task.Count, maxProblems ?? int.MaxValue);
        if (count == 0) return 0;
        var problems = Enumerable.Range(0, count).Select(task.Problem).ToArray();
        var prompts = problems.Select(p => Rollouts.Prompt(template, p, generator.Model.MaxPositions, maxNewTokens)).ToArray();
        var options = new GenerationOptions { Temperature = temperature, MaxNewTokens = maxNewTokens, Seed = seed };
        var results = Rollouts.Generate(generator, template, prompts, options, batchSize, cancellationToken);
        return problems.Where((p, i) => task.IsCorrect(p, results[i].Text)).Count() / (double)count;
    }
}
