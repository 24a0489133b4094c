namespace Trm.Data.Oasst;

/// <summary>One OASST1 message tree: an initial prompt and every reply under it.</summary>
/// <param name="TreeId">The <c>message_tree_id</c>.</param>
/// <param name="TreeState">The <c>tree_state</c> (<c>ready_for_export</c> for complete trees), or <see langword="null"/>.</param>
/// <param name="Root">The initial prompt.</param>
public sealed record OasstTree(string TreeId, string? TreeState, OasstMessage Root)
{
    /// <summary>The state of trees that are complete and reviewed.</summary>
    public const string ReadyForExport = "ready_for_export";
}
