namespace Trm.Rl.Tasks;

/// <summary>One prompt to sample replies for, with what a reward needs to score them.</summary>
/// <param name="Task">The task's name.</param>
/// <param name="Id">A stable id within the task (<c>addition:7:12</c>, a record's source id), used for provenance and resuming.</param>
/// <param name="Prompt">The user message.</param>
/// <param name="Reference">The reference final answer, when known.</param>
public sealed record RlProblem(string Task, string Id, string Prompt, string? Reference);
