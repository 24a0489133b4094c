using Trm.Inference.Generation;
using Trm.Rl.Tasks;
using Trm.Tokenization.Chat;

namespace Trm.Rl.Policies;

/// <summary>Prompts rendered with the chat template and generated in batches (shared by GRPO, rejection sampling and pass@1).</summary>
internal static class Rollouts
{
    /// <summary>The completion prompt of <paramref name="problem"/>, leaving room for <paramref name="maxNewTokens"/>.</summary>
    public static int[] Prompt(ChatTemplate template, RlProblem problem, int maxPositions, int maxNewTokens)
    {
        int room = Math.Max(1, maxPositions - Math.Min(maxNewTokens, maxPositions / 2));
        var rendered = template.RenderForCompletion([ChatMessage.User(problem.Prompt)], room);
        if (rendered.IsEmpty || rendered.Truncated)
            throw new InvalidOperationException($"problem '{problem.Id}' of task '{problem.Task}': its prompt does not fit in {room} tokens (the model has {maxPositions} positions, {maxNewTokens} kept for the reply)");
        return rendered.Ids;
    }

    /// <summary>Generates every prompt, <paramref name="batchSize"/> rows at a time, the chat end token stopping each row; batch i is seeded with seed + i.</summary>
    public static List<GenerationResult> Generate(TextGenerator generator, ChatTemplate template, IReadOnlyList<int[]> prompts, GenerationOptions options, int batchSize, CancellationToken cancellationToken)
    {
        var o = options.StopTokens.Contains(template.EndId) ? options : options with { StopTokens = [.. options.StopTokens, template.EndId] };
        var results = new List<GenerationResult>(prompts.Count);
        for (int start = 0, batch = 0; start < prompts.Count; start += batchSize, batch++)
        {
            var chunk = prompts.Skip(start).Take(batchSize).ToArray();
            var seeded = o.Seed is long seed ? o with { Seed = seed + batch } : o;
            results.AddRange(generator.Generate(chunk, seeded, cancellationToken));
        }
        return results;
    }
}
