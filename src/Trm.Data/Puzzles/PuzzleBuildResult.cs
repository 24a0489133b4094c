namespace Trm.Data.Puzzles;

/// <summary>What a puzzle dataset builder wrote.</summary>
/// <param name="OutputDirectory">The dataset root.</param>
/// <param name="Train">Metadata of the <c>train</c> split.</param>
/// <param name="Test">Metadata of the <c>test</c> split.</param>
/// <param name="Identifiers">The identifier names written to <c>identifiers.json</c>.</param>
public sealed record PuzzleBuildResult(string OutputDirectory, PuzzleDatasetMetadata Train, PuzzleDatasetMetadata Test, IReadOnlyList<string> Identifiers);
