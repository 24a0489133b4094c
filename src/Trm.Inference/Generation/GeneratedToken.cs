namespace Trm.Inference.Generation;

/// <summary>One streamed token.</summary>
/// <param name="Row">The row (prompt index) it belongs to.</param>
/// <param name="TokenId">The token id.</param>
/// <param name="LogProbability">Its log-probability under the model's distribution (temperature 1).</param>
/// <param name="Text">The text it adds (possibly empty: characters are held back while they may start a stop string or end inside a UTF-8 sequence, and released later).</param>
/// <param name="FinishReason">Set on the row's last token.</param>
public sealed record GeneratedToken(int Row, int TokenId, float LogProbability, string Text, GenerationFinishReason? FinishReason);
