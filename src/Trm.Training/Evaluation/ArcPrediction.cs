namespace Trm.Training.Evaluation;

/// <summary>One model answer to one (possibly augmented) ARC test input, as <see cref="ArcVoting"/> takes it.</summary>
/// <param name="PuzzleName">The puzzle identifier: a task id, or <c>task|||tN|||cccccccccc</c> for an augmented copy.</param>
/// <param name="Input">The test input grid as the model saw it (augmented).</param>
/// <param name="Prediction">The predicted output grid (augmented), or null when the canvas was not a grid.</param>
/// <param name="Label">The expected output grid (augmented), or null when unknown.</param>
/// <param name="Confidence">The halting logit (higher: surer); breaks ties between equally voted answers.</param>
public sealed record ArcPrediction(string PuzzleName, byte[,] Input, byte[,]? Prediction, byte[,]? Label, double Confidence);
