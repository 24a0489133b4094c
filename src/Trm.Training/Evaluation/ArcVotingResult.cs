namespace Trm.Training.Evaluation;

/// <summary>The outcome of <see cref="ArcVoting.Vote"/>.</summary>
/// <param name="Tasks">Tasks voted on.</param>
/// <param name="TestInputs">Distinct original test inputs voted on.</param>
/// <param name="PassAt">For each k, the mean over tasks of the fraction of their test inputs whose expected output is among the k most voted answers.</param>
/// <param name="Answers">For each task id and original test input (in the order first seen), the voted answers, most votes first.</param>
public sealed record ArcVotingResult(int Tasks, int TestInputs, IReadOnlyDictionary<int, double> PassAt, IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyList<byte[,]>>> Answers);
