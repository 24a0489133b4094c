using Trm.Data.Chat;

namespace Trm.Data.Oasst;

/// <summary>
/// A set of ranked assistant replies to the same prompt, for reward modelling: every pair (better, worse) of
/// <see cref="Replies"/> is a preference pair.
/// </summary>
/// <param name="Context">The conversation up to and including the prompt the replies answer (ends with a user turn).</param>
/// <param name="Replies">The replies, best first (ascending rank); each carries its <see cref="ChatTurn.Rank"/>.</param>
public sealed record RankedReplies(Conversation Context, IReadOnlyList<ChatTurn> Replies)
{
    /// <summary>Every (chosen, rejected) pair: chosen has the strictly better rank.</summary>
    public IEnumerable<(ChatTurn Chosen, ChatTurn Rejected)> Pairs()
    {
        for (var i = 0; i < Replies.Count; i++)
            for (var j = i + 1; j < Replies.Count; j++)
                if (Replies[i].Rank < Replies[j].Rank)
                    yield return (Replies[i], Replies[j]);
    }
}
