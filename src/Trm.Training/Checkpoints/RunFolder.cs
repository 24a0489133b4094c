using Microsoft.Extensions.Logging;
using Trm.Core.IO;
using Trm.Training.Metrics;

namespace Trm.Training.Checkpoints;

/// <summary>
/// What a trainer does to its run folder before it trains there: lock it (<see cref="DirectoryLock"/>, <c>run.lock</c>),
/// remove what killed runs left (staging folders of checkpoint writes, temporary files of atomic writes; only names our
/// atomic writers make, only of processes that are gone), and cut a torn last line off <c>metrics.jsonl</c>.
/// </summary>
internal static class RunFolder
{
    /// <summary>Locks <paramref name="runDirectory"/> for this trainer and cleans it.</summary>
    /// <param name="runDirectory">The run folder (created when missing).</param>
    /// <param name="metricsPath">The metrics file to repair, or <see langword="null"/>.</param>
    /// <param name="logger">Receives the warnings (stale lock taken over, leftovers removed, torn line cut).</param>
    /// <exception cref="DirectoryLockedException">Another live trainer holds the run folder.</exception>
    public static DirectoryLock Acquire(string runDirectory, string? metricsPath, ILogger logger)
    {
        var runLock = DirectoryLock.Acquire(runDirectory, DirectoryLock.DefaultFileName, stale =>
            logger.LogWarning("Took over the lock of {Run} from {Owner}, which is no longer running", runDirectory,
                stale?.ToString() ?? "an unreadable lock file"));
        try
        {
            foreach (var path in AtomicDirectory.RemoveDeadStagingIn(runDirectory))
                logger.LogWarning("Removed {Path}, left by a killed checkpoint write", path);
            foreach (var path in AtomicFile.RemoveDeadTemporaryFiles(runDirectory))
                logger.LogWarning("Removed {Path}, left by a killed file write", path);
            if (metricsPath is not null)
            {
                foreach (var path in AtomicFile.RemoveDeadTemporaryFiles(Path.GetDirectoryName(Path.GetFullPath(metricsPath))!))
                    logger.LogWarning("Removed {Path}, left by a killed file write", path);
                if (MetricsJsonlWriter.RemoveTornLastLine(metricsPath) is { } torn)
                    logger.LogWarning("{Path}: removed a torn last line left by a killed run ({Length} characters: {Start}…)", metricsPath, torn.Length, torn[..Math.Min(torn.Length, 40)]);
            }
            return runLock;
        }
        catch
        {
            runLock.Dispose();
            throw;
        }
    }

    /// <summary>Deletes <paramref name="runDirectory"/> when it holds nothing (a run that failed before writing anything).</summary>
    /// <param name="runDirectory">The run folder.</param>
    public static void DeleteIfEmpty(string runDirectory)
    {
        try
        {
            if (Directory.Exists(runDirectory) && !Directory.EnumerateFileSystemEntries(runDirectory).Any()) Directory.Delete(runDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // an empty folder left behind is harmless
        }
    }
}
