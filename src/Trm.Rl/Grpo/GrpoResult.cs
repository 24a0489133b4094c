namespace Trm.Rl.Grpo;

/// <summary>The outcome of <see cref="GrpoTrainer.Train"/>.</summary>
/// <param name="Steps">Steps run.</param>
/// <param name="History">Each step's metrics.</param>
/// <param name="Evaluations">The evaluations (first at step 0, last at the end); empty without held-out tasks.</param>
/// <param name="Checkpoint">The last checkpoint written, or null without an output folder.</param>
public sealed record GrpoResult(long Steps, IReadOnlyList<GrpoStepMetrics> History, IReadOnlyList<GrpoEvaluation> Evaluations, string? Checkpoint);
