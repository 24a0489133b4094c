namespace Trm.Rl.Grpo;

/// <summary>pass@1 on the held-out tasks at one step (an <c>eval</c> record in <c>metrics.jsonl</c>).</summary>
/// <param name="Step">The step.</param>
/// <param name="Pass1">pass@1 over all held-out problems.</param>
/// <param name="ByTask">pass@1 of each task.</param>
public sealed record GrpoEvaluation(long Step, double Pass1, IReadOnlyDictionary<string, double> ByTask);
