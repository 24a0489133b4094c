namespace Trm.Data.Puzzles;

/// <summary>Progress of a puzzle dataset build: the stage (e.g. <c>generate train</c>, <c>write</c>) and items done out of the total.</summary>
/// <param name="Stage">What the builder is doing.</param>
/// <param name="Done">Items finished in this stage.</param>
/// <param name="Total">Items in this stage (0 when unknown).</param>
public readonly record struct PuzzleBuildProgress(string Stage, long Done, long Total);
