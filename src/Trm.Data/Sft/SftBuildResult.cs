using Trm.Data.Chat;

namespace Trm.Data.Sft;

/// <summary>The outcome of <see cref="SftMixtureBuilder.BuildAsync"/>.</summary>
/// <param name="Directory">The dataset folder (chat dataset + <c>mixture.json</c> + <c>mixture.jsonl</c>).</param>
/// <param name="Manifest">The mixture's counts.</param>
/// <param name="Dataset">The chat dataset build (reused when the mixture and options did not change).</param>
public sealed record SftBuildResult(string Directory, SftMixtureManifest Manifest, ChatDatasetBuildResult Dataset);
