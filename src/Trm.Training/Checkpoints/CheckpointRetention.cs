using Microsoft.Extensions.Logging;
using Trm.Model.Checkpoints;

namespace Trm.Training.Checkpoints;

/// <summary>
/// Prunes a run folder to its newest <c>keep_last_checkpoints</c> complete <c>step_N</c> checkpoints. The newest complete
/// one is always kept, and so is a protected one (the checkpoint the run resumed from). A checkpoint is first renamed to a
/// staging name of this process (<c>.step_N.PID.GUID.tmp</c>), then deleted, so a reader never sees half a checkpoint and a
/// deletion cut short by a crash is finished by the next start's clean-up (<see cref="RunFolder"/>).
/// </summary>
internal static class CheckpointRetention
{
    /// <summary>Deletes the complete checkpoints of <paramref name="runDirectory"/> beyond the newest <paramref name="keepLast"/>.</summary>
    /// <param name="runDirectory">The run folder.</param>
    /// <param name="keepLast">How many of the newest complete checkpoints to keep (at least 1).</param>
    /// <param name="protect">A checkpoint folder never deleted, or <see langword="null"/>.</param>
    /// <param name="logger">Told about each deletion.</param>
    /// <returns>The checkpoint folders deleted, oldest first.</returns>
    public static IReadOnlyList<string> Prune(string runDirectory, int keepLast, string? protect, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keepLast, 1);
        var protectedPath = protect is null ? null : Path.GetFullPath(protect).TrimEnd(Path.DirectorySeparatorChar);
        var deleted = new List<string>();
        foreach (var dir in TrmCheckpoint.FindAll(runDirectory).Skip(keepLast).Reverse())
        {
            if (string.Equals(Path.GetFullPath(dir), protectedPath, StringComparison.Ordinal)) continue;
            var doomed = Path.Combine(runDirectory, $".{Path.GetFileName(dir)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
            try
            {
                Directory.Move(dir, doomed);
                Directory.Delete(doomed, recursive: true);
                deleted.Add(dir);
                logger.LogInformation("Deleted checkpoint {Directory} (keep_last_checkpoints={Keep})", dir, keepLast);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("Could not delete old checkpoint {Directory}: {Message}", dir, e.Message);
            }
        }
        return deleted;
    }
}
