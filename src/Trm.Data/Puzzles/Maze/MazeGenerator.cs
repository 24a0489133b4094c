namespace Trm.Data.Puzzles.Maze;

/// <summary>
/// Generates N×N mazes: a random spanning-tree maze carved on the odd cells (recursive backtracker), a fraction of
/// extra walls opened to create loops, then a start S and a goal G far apart (at least
/// <see cref="MinDistanceFraction"/> of the largest distance from S) such that exactly one shortest S→G path exists;
/// the label marks that path. Deterministic per (seed, index).
/// </summary>
/// <param name="size">Side N (5–64; default 30).</param>
/// <param name="loopFraction">Fraction of interior walls between corridors opened to make loops (0–1; default 0.05).</param>
/// <param name="minDistanceFraction">How far G must be from S, as a fraction of the farthest reachable cell (0–1; default 0.75).</param>
public sealed class MazeGenerator(int size = 30, double loopFraction = 0.05, double minDistanceFraction = 0.75)
{
    /// <summary>Side length.</summary>
    public int Size { get; } = size is >= 5 and <= 64 ? size : throw new ArgumentOutOfRangeException(nameof(size), size, "Maze sides are 5–64.");

    /// <summary>Fraction of corridor walls opened for loops.</summary>
    public double LoopFraction { get; } = loopFraction is >= 0 and <= 1 ? loopFraction : throw new ArgumentOutOfRangeException(nameof(loopFraction));

    /// <summary>Minimum S→G distance as a fraction of the largest distance from S.</summary>
    public double MinDistanceFraction { get; } = minDistanceFraction is >= 0 and <= 1 ? minDistanceFraction : throw new ArgumentOutOfRangeException(nameof(minDistanceFraction));

    /// <summary>Generates maze number <paramref name="index"/> of the stream <paramref name="seed"/>.</summary>
    public MazePuzzle Generate(long seed, long index)
    {
        var rng = new DeterministicRandom(seed, index);
        for (var attempt = 0; ; attempt++)
        {
            var cells = Carve(rng);
            var puzzle = PlaceEndpoints(cells, rng);
            if (puzzle is not null)
                return puzzle;
            if (attempt > 1000)
                throw new InvalidOperationException("Could not place start and goal with a unique shortest path.");
        }
    }

    private char[] Carve(DeterministicRandom rng)
    {
        var n = Size;
        var cells = new char[n * n];
        Array.Fill(cells, MazeEncoding.Wall);
        var last = (n - 2) % 2 == 1 ? n - 2 : n - 3; // largest odd interior index
        var stack = new Stack<(int R, int C)>();
        cells[1 * n + 1] = MazeEncoding.Open;
        stack.Push((1, 1));
        Span<int> dirs = stackalloc int[4];
        while (stack.Count > 0)
        {
            var (r, c) = stack.Peek();
            var count = 0;
            for (var d = 0; d < 4; d++)
            {
                var (nr, nc) = Step(r, c, d, 2);
                if (nr >= 1 && nc >= 1 && nr <= last && nc <= last && cells[nr * n + nc] == MazeEncoding.Wall)
                    dirs[count++] = d;
            }
            if (count == 0)
            {
                stack.Pop();
                continue;
            }
            var dir = dirs[rng.Next(count)];
            var (wr, wc) = Step(r, c, dir, 1);
            var (tr, tc) = Step(r, c, dir, 2);
            cells[wr * n + wc] = MazeEncoding.Open;
            cells[tr * n + tc] = MazeEncoding.Open;
            stack.Push((tr, tc));
        }
        // Loops: open walls that separate two corridors.
        var candidates = new List<int>();
        for (var r = 1; r <= last; r++)
            for (var c = 1; c <= last; c++)
                if ((r + c) % 2 == 1 && cells[r * n + c] == MazeEncoding.Wall)
                    candidates.Add(r * n + c);
        var open = (int)Math.Round(candidates.Count * LoopFraction);
        var picks = candidates.ToArray();
        rng.Shuffle(picks.AsSpan());
        foreach (var cell in picks.AsSpan(0, open))
            cells[cell] = MazeEncoding.Open;
        // Even sides leave an unused inner row/column: add dead-end stubs into it.
        if (last < n - 2)
        {
            for (var k = 1; k <= last; k += 2)
            {
                if (rng.NextDouble() < 0.5)
                    cells[(n - 2) * n + k] = MazeEncoding.Open;
                if (rng.NextDouble() < 0.5)
                    cells[k * n + n - 2] = MazeEncoding.Open;
            }
        }
        return cells;
    }

    private MazePuzzle? PlaceEndpoints(char[] cells, DeterministicRandom rng)
    {
        var n = Size;
        var open = Enumerable.Range(0, cells.Length).Where(i => cells[i] == MazeEncoding.Open).ToArray();
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var start = open[rng.Next(open.Length)];
            var dist = MazeSolver.Distances(cells, n, start);
            var max = dist.Max();
            var threshold = Math.Max(1, (int)Math.Ceiling(max * MinDistanceFraction));
            var far = open.Where(i => dist[i] >= threshold).ToArray();
            if (far.Length == 0)
                continue;
            var goal = far[rng.Next(far.Length)];
            var input = (char[])cells.Clone();
            input[start] = MazeEncoding.Start;
            input[goal] = MazeEncoding.Goal;
            if (MazeSolver.CountShortestPaths(input) != 1)
                continue;
            var label = MazeSolver.Label(input)!;
            return new MazePuzzle(n, input, label, dist[goal]);
        }
        return null;
    }

    private static (int, int) Step(int r, int c, int dir, int k) => dir switch
    {
        0 => (r - k, c),
        1 => (r + k, c),
        2 => (r, c - k),
        _ => (r, c + k),
    };
}
