using Trm.Data.Readers;

namespace Trm.Data.Chat;

/// <summary>What <see cref="ChatDatasetBuilder.BuildAsync"/> produced.</summary>
/// <param name="Directory">The dataset folder.</param>
/// <param name="Info">Its <c>dataset.json</c>.</param>
/// <param name="Reused">Whether an existing dataset with the same fingerprint was kept as it was.</param>
/// <param name="ReadReport">The reader's report (skipped records with file:line); empty when reused.</param>
public sealed record ChatDatasetBuildResult(string Directory, ChatDatasetInfo Info, bool Reused, ReadReport ReadReport);
