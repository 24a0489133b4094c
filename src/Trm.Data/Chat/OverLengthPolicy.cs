namespace Trm.Data.Chat;

/// <summary>What the chat dataset builder does with a conversation longer than the maximum length.</summary>
public enum OverLengthPolicy
{
    /// <summary>Keep the first <c>MaxLength</c> tokens (counted as truncated; dropped if no trained token is left).</summary>
    Truncate,

    /// <summary>Leave the conversation out (counted as dropped).</summary>
    Drop,
}
