using Trm.Core.IO;

namespace Trm.Data.Puzzles;

/// <summary>Writes a complete dataset root (train and test splits plus <c>identifiers.json</c>) atomically.</summary>
internal static class PuzzleDatasetWriter
{
    /// <summary>Builds both splits' metadata and writes everything to <paramref name="outputDirectory"/> through a staging folder.</summary>
    public static PuzzleBuildResult Write(string outputDirectory, PuzzleSet train, PuzzleSet test, IReadOnlyList<string> identifiers,
        int vocabSize, int? ignoreLabelId, IProgress<PuzzleBuildProgress>? progress, CancellationToken cancellationToken,
        Action<string>? writeExtras = null)
    {
        using (train)
        using (test)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var trainMeta = PuzzleDatasetMetadata.Describe([train], vocabSize, identifiers.Count, ignoreLabelId: ignoreLabelId);
            var testMeta = PuzzleDatasetMetadata.Describe([test], vocabSize, identifiers.Count, ignoreLabelId: ignoreLabelId);
            using var output = new AtomicDirectory(outputDirectory);
            progress?.Report(new PuzzleBuildProgress("write", 0, 2));
            PuzzleSplit.Write(Path.Combine(output.Staging, "train"), trainMeta, [train]);
            cancellationToken.ThrowIfCancellationRequested();
            BuildFaults.At("puzzle:train-written");
            progress?.Report(new PuzzleBuildProgress("write", 1, 2));
            PuzzleSplit.Write(Path.Combine(output.Staging, "test"), testMeta, [test]);
            PuzzleIdentifiers.Write(output.Staging, identifiers);
            writeExtras?.Invoke(output.Staging);
            cancellationToken.ThrowIfCancellationRequested();
            output.Commit();
            progress?.Report(new PuzzleBuildProgress("write", 2, 2));
            return new PuzzleBuildResult(output.Target, trainMeta, testMeta, identifiers);
        }
    }
}
