namespace Trm.Inference.Puzzles;

/// <summary>The model's answer to one puzzle.</summary>
/// <param name="Tokens">Predicted token at every position (the arg-max of the logits at the halting step).</param>
/// <param name="Steps">ACT steps run before halting (1..<c>halt_max_steps</c>).</param>
/// <param name="Halted">Whether the halting probability exceeded the solver's <see cref="PuzzleSolver.HaltThreshold"/> at the answering step (with <see cref="PuzzleSolver.StopAtHalt"/>: the model stopped it early; otherwise the model is confident in its final answer).</param>
/// <param name="HaltLogit">The halting logit at the last step run.</param>
public sealed record PuzzleSolution(int[] Tokens, int Steps, bool Halted, double HaltLogit);
