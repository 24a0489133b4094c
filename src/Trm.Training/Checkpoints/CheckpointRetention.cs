using Microsoft.Extensions.Logging;
using Trm.Model.Checkpoints;
using Trm.Training.Metrics;

namespace Trm.Training.Checkpoints;

/// <summary>
/// Prunes a run folder to its newest <c>keep_last_checkpoints</c> complete <c>step_N</c> checkpoints, plus the best one by
/// evaluation (highest <c>exact_accuracy</c> in <c>metrics.jsonl</c>, the later on a tie). The newest complete one is always
/// kept, and so are protected ones (the checkpoint the run resumed from). A checkpoint is first renamed to a staging name of
/// this process (<c>.step_N.PID.GUID.tmp</c>), then deleted, so a reader never sees half a checkpoint and a deletion cut short
/// by a crash is finished by the next start's clean-up (<see cref="RunFolder"/>).
/// </summary>
internal static class CheckpointRetention
{
    /// <summary>Deletes the complete checkpoints of <paramref name="runDirectory"/> beyond the newest <paramref name="keepLast"/>.</summary>
    /// <param name="runDirectory">The run folder.</param>
    /// <param name="keepLast">How many of the newest complete checkpoints to keep (at least 1).</param>
    /// <param name="protect">Checkpoint folders never deleted (<see langword="null"/> entries are ignored).</param>
    /// <param name="logger">Told about each deletion.</param>
    /// <returns>The checkpoint folders deleted, oldest first.</returns>
    public static IReadOnlyList<string> Prune(string runDirectory, int keepLast, IEnumerable<string?> protect, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keepLast, 1);
        var protectedPaths = protect.OfType<string>().Select(p => Path.GetFullPath(p).TrimEnd(Path.DirectorySeparatorChar)).ToHashSet(StringComparer.Ordinal);
        var deleted = new List<string>();
        foreach (var dir in TrmCheckpoint.FindAll(runDirectory).Skip(keepLast).Reverse())
        {
            if (protectedPaths.Contains(Path.GetFullPath(dir))) continue;
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

    /// <summary>
    /// The complete checkpoint of <paramref name="runDirectory"/> whose evaluation in <paramref name="metricsPath"/> has the
    /// highest <c>exact_accuracy</c> (the later one on a tie), or <see langword="null"/> when no evaluated step has one.
    /// </summary>
    /// <param name="runDirectory">The run folder.</param>
    /// <param name="metricsPath">The run's metrics file, or <see langword="null"/>.</param>
    public static string? BestByEvaluation(string runDirectory, string? metricsPath)
    {
        if (metricsPath is null || !File.Exists(metricsPath)) return null;
        var complete = TrmCheckpoint.FindAll(runDirectory).Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal);
        return MetricsJsonlWriter.Read(metricsPath)
            .Where(r => r.Split == "eval" && r.Values.TryGetValue("exact_accuracy", out var v) && double.IsFinite(v))
            .Select(r => (Record: r, Dir: Path.Combine(runDirectory, TrmCheckpoint.StepFolderName(r.Step))))
            .Where(x => complete.Contains(Path.GetFullPath(x.Dir)))
            .OrderByDescending(x => x.Record["exact_accuracy"])
            .ThenByDescending(x => x.Record.Step)
            .Select(x => x.Dir)
            .FirstOrDefault();
    }
}
