namespace Trm.Data.Puzzles.Arc;

/// <summary>One input/output pair of an ARC task; grids are [rows, columns] of colours 0–9.</summary>
/// <param name="Input">The input grid.</param>
/// <param name="Output">The output grid.</param>
public sealed record ArcPair(byte[,] Input, byte[,] Output);

/// <summary>An ARC task: demonstration pairs (<c>train</c>) and query pairs (<c>test</c>).</summary>
/// <param name="Id">The task id (file name without extension).</param>
/// <param name="Train">Demonstration pairs.</param>
/// <param name="Test">Test pairs.</param>
public sealed record ArcTask(string Id, IReadOnlyList<ArcPair> Train, IReadOnlyList<ArcPair> Test);
