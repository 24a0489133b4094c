using Trm.Tokenization.Chat;

namespace Trm.Rl.RewardModel;

/// <summary>
/// Scores assistant replies to a conversation: higher is better. A trained <see cref="TrmRewardModel"/> implements it; reward
/// functions, rejection sampling and evaluation take it to rank or reward generated replies.
/// </summary>
public interface IRewardScorer
{
    /// <summary>The score of each reply to <paramref name="context"/>, in order.</summary>
    /// <param name="context">The conversation so far; it ends with the user turn the replies answer.</param>
    /// <param name="replies">Candidate assistant replies.</param>
    IReadOnlyList<float> Score(IReadOnlyList<ChatMessage> context, IReadOnlyList<string> replies);

    /// <summary>The score of <paramref name="reply"/> to a single user message <paramref name="prompt"/>.</summary>
    /// <param name="prompt">The user message.</param>
    /// <param name="reply">The assistant reply.</param>
    float Score(string prompt, string reply);
}
