namespace Trm.Data.Chat;

/// <summary>Progress of a chat dataset build.</summary>
/// <param name="Stage"><c>read</c>, <c>tokenize</c> or <c>write</c>.</param>
/// <param name="Done">Items done in this stage.</param>
/// <param name="Total">Items in this stage, when known.</param>
public readonly record struct ChatBuildProgress(string Stage, long Done, long? Total);
