namespace Trm.Data.Puzzles.Maze;

/// <summary>A square maze with start and goal (<see cref="Input"/>) and its shortest path marked (<see cref="Label"/>), row-major characters of <see cref="MazeEncoding.Charset"/>.</summary>
/// <param name="Size">Side length N.</param>
/// <param name="Input">Walls, open cells, S and G.</param>
/// <param name="Label">The input with the shortest path's open cells marked <c>o</c>.</param>
/// <param name="Distance">The shortest S→G distance in steps.</param>
public sealed record MazePuzzle(int Size, char[] Input, char[] Label, int Distance);
