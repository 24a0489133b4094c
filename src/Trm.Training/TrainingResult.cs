using Trm.Training.Evaluation;
using Trm.Training.Metrics;

namespace Trm.Training;

/// <summary>The outcome of <see cref="Trainer.Run"/>.</summary>
/// <param name="Steps">Optimizer steps taken in total (including those before a resume).</param>
/// <param name="Elapsed">Training wall time (including time before a resume).</param>
/// <param name="StopReason">Why the run stopped.</param>
/// <param name="LastTrainMetrics">Metrics of the last training step.</param>
/// <param name="LastEvaluation">The final evaluation.</param>
/// <param name="LastCheckpoint">The last checkpoint folder written.</param>
public sealed record TrainingResult(long Steps, TimeSpan Elapsed, string StopReason, MetricsRecord? LastTrainMetrics, EvaluationResult? LastEvaluation, string? LastCheckpoint);
