namespace Trm.Inference.Generation;

/// <summary>One row's generation.</summary>
/// <param name="TokenIds">The generated token ids, a stop token included.</param>
/// <param name="Text">The decoded text, without the stop token and cut before a stop string.</param>
/// <param name="LogProbabilities">For each generated token, its log-probability under the model's distribution (temperature 1, no top-k/top-p: the policy's log-probability that RL needs).</param>
/// <param name="FinishReason">Why the row stopped.</param>
/// <param name="PromptTokenCount">Tokens of the prompt.</param>
public sealed record GenerationResult(
    IReadOnlyList<int> TokenIds, string Text, IReadOnlyList<float> LogProbabilities, GenerationFinishReason FinishReason, int PromptTokenCount);
