using Trm.Training.Metrics;

namespace Trm.Training;

/// <summary>What the trainer is doing.</summary>
public enum TrainingPhase
{
    /// <summary>Taking optimizer steps.</summary>
    Training,

    /// <summary>Evaluating on the test split.</summary>
    Evaluating,

    /// <summary>Writing a checkpoint.</summary>
    Checkpointing,

    /// <summary>Finished.</summary>
    Done,
}

/// <summary>A progress report of <see cref="Trainer.Run"/>.</summary>
/// <param name="Phase">Current phase.</param>
/// <param name="Step">Optimizer steps taken.</param>
/// <param name="TotalSteps">Steps the run will take at most.</param>
/// <param name="Elapsed">Wall time since the run started.</param>
/// <param name="Latest">Metrics of the latest training step, if any.</param>
/// <param name="Recent">The training metrics averaged over the last 50 steps (accuracies weighted by halted examples), if any.</param>
public sealed record TrainingProgress(TrainingPhase Phase, long Step, long TotalSteps, TimeSpan Elapsed, MetricsRecord? Latest, MetricsRecord? Recent = null);
