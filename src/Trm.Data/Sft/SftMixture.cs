using Trm.Data.Chat;

namespace Trm.Data.Sft;

/// <summary>A drawn SFT mixture: the conversations in shuffled order and the manifest that counts them.</summary>
/// <param name="Conversations">The examples, shuffled; ids are <c>source-name/source-id</c>.</param>
/// <param name="Manifest">Per-source counts.</param>
public sealed record SftMixture(IReadOnlyList<Conversation> Conversations, SftMixtureManifest Manifest);
