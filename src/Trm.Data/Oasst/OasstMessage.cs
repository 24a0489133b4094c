using Trm.Data.Chat;
using Trm.Tokenization.Chat;

namespace Trm.Data.Oasst;

/// <summary>One message of an OASST1 message tree, with its replies.</summary>
public sealed class OasstMessage
{
    private readonly List<OasstMessage> _replies = [];

    /// <summary>The message id.</summary>
    public required string MessageId { get; init; }

    /// <summary>The parent message id, <see langword="null"/> for the tree's root prompt.</summary>
    public string? ParentId { get; init; }

    /// <summary><see cref="ChatRole.User"/> for <c>prompter</c>, <see cref="ChatRole.Assistant"/> for <c>assistant</c>.</summary>
    public required ChatRole Role { get; init; }

    /// <summary>The message text.</summary>
    public required string Text { get; init; }

    /// <summary>The language code (<c>en</c>, <c>es</c>…), or <see langword="null"/>.</summary>
    public string? Lang { get; init; }

    /// <summary>The rank among siblings (0 = best), or <see langword="null"/> when unranked.</summary>
    public int? Rank { get; init; }

    /// <summary>Whether the message was deleted.</summary>
    public bool Deleted { get; init; }

    /// <summary>Whether the message was written by a model rather than a person.</summary>
    public bool Synthetic { get; init; }

    /// <summary>The review outcome: <see langword="false"/> when reviewers rejected it, <see langword="null"/> when not reviewed.</summary>
    public bool? ReviewResult { get; init; }

    /// <summary>The replies, in file order.</summary>
    public IReadOnlyList<OasstMessage> Replies => _replies;

    /// <summary>Where the message was read (<c>file:line</c>), for error messages.</summary>
    public string Source { get; init; } = "";

    internal void AddReply(OasstMessage reply) => _replies.Add(reply);
}
