namespace Trm.Data.Puzzles.Maze;

/// <summary>
/// Breadth-first search over a square maze (row-major characters of <see cref="MazeEncoding.Charset"/>, 4-connected,
/// walls blocked): shortest distances, the number of shortest paths, and the verifier that a label marks a shortest
/// S→G path. Stateless and thread-safe.
/// </summary>
public static class MazeSolver
{
    /// <summary>BFS distances from <paramref name="from"/> (-1 for unreachable cells and walls).</summary>
    public static int[] Distances(ReadOnlySpan<char> cells, int size, int from)
    {
        var dist = new int[cells.Length];
        Array.Fill(dist, -1);
        var queue = new int[cells.Length];
        int head = 0, tail = 0;
        dist[from] = 0;
        queue[tail++] = from;
        while (head < tail)
        {
            var cell = queue[head++];
            int r = cell / size, c = cell % size;
            for (var k = 0; k < 4; k++)
            {
                int nr = r + (k == 0 ? -1 : k == 1 ? 1 : 0), nc = c + (k == 2 ? -1 : k == 3 ? 1 : 0);
                if (nr < 0 || nc < 0 || nr >= size || nc >= size)
                    continue;
                var n = nr * size + nc;
                if (dist[n] >= 0 || cells[n] == MazeEncoding.Wall)
                    continue;
                dist[n] = dist[cell] + 1;
                queue[tail++] = n;
            }
        }
        return dist;
    }

    /// <summary>The shortest S→G distance in steps, or -1 when G is unreachable.</summary>
    public static int ShortestDistance(ReadOnlySpan<char> cells)
    {
        var size = Side(cells);
        var (start, goal) = Endpoints(cells);
        return Distances(cells, size, start)[goal];
    }

    /// <summary>Number of distinct shortest S→G paths (capped at <paramref name="cap"/>); 0 when unreachable.</summary>
    public static long CountShortestPaths(ReadOnlySpan<char> cells, long cap = 2)
    {
        var size = Side(cells);
        var (start, goal) = Endpoints(cells);
        var dist = Distances(cells, size, start);
        if (dist[goal] < 0)
            return 0;
        var order = Enumerable.Range(0, cells.Length).Where(i => dist[i] >= 0).OrderBy(i => dist[i]).ToArray();
        var ways = new long[cells.Length];
        ways[start] = 1;
        foreach (var cell in order)
        {
            if (cell == start)
                continue;
            int r = cell / size, c = cell % size;
            long sum = 0;
            foreach (var n in Neighbours(r, c, size))
                if (dist[n] == dist[cell] - 1)
                    sum += ways[n];
            ways[cell] = Math.Min(sum, cap);
        }
        return ways[goal];
    }

    /// <summary>
    /// The verifier: whether <paramref name="label"/> equals <paramref name="input"/> except that open cells marked
    /// <c>o</c> form, with S and G, a connected path whose length is the BFS shortest distance.
    /// </summary>
    public static bool IsShortestPathLabel(ReadOnlySpan<char> input, ReadOnlySpan<char> label)
    {
        if (input.Length != label.Length)
            return false;
        var size = Side(input);
        var (start, goal) = Endpoints(input);
        var marked = new HashSet<int>();
        for (var i = 0; i < input.Length; i++)
        {
            if (label[i] == input[i])
                continue;
            if (input[i] != MazeEncoding.Open || label[i] != MazeEncoding.Path)
                return false;
            marked.Add(i);
        }
        var shortest = Distances(input, size, start)[goal];
        if (shortest < 0 || marked.Count != shortest - 1)
            return false;
        // Walk from S through marked cells; each step must have exactly one unvisited continuation.
        var current = start;
        var visited = new HashSet<int> { start };
        for (var step = 0; step < shortest; step++)
        {
            int next = -1, options = 0;
            foreach (var n in Neighbours(current / size, current % size, size))
            {
                if (visited.Contains(n))
                    continue;
                if (marked.Contains(n) || (n == goal && step == shortest - 1))
                {
                    next = n;
                    options++;
                }
            }
            if (options != 1)
                return false;
            visited.Add(next);
            current = next;
        }
        return current == goal;
    }

    /// <summary>Marks one shortest S→G path with <c>o</c> (the label of <paramref name="input"/>); null when unreachable.</summary>
    public static char[]? Label(ReadOnlySpan<char> input)
    {
        var size = Side(input);
        var (start, goal) = Endpoints(input);
        var fromGoal = Distances(input, size, goal);
        if (fromGoal[start] < 0)
            return null;
        var label = input.ToArray();
        var cell = start;
        while (cell != goal)
        {
            foreach (var n in Neighbours(cell / size, cell % size, size))
            {
                if (fromGoal[n] == fromGoal[cell] - 1)
                {
                    cell = n;
                    break;
                }
            }
            if (cell != goal)
                label[cell] = MazeEncoding.Path;
        }
        return label;
    }

    internal static IEnumerable<int> Neighbours(int r, int c, int size)
    {
        if (r > 0) yield return (r - 1) * size + c;
        if (r < size - 1) yield return (r + 1) * size + c;
        if (c > 0) yield return r * size + c - 1;
        if (c < size - 1) yield return r * size + c + 1;
    }

    private static int Side(ReadOnlySpan<char> cells)
    {
        var size = (int)Math.Round(Math.Sqrt(cells.Length));
        if (size * size != cells.Length)
            throw new ArgumentException($"A maze is square; {cells.Length} cells is not a square number.", nameof(cells));
        return size;
    }

    private static (int Start, int Goal) Endpoints(ReadOnlySpan<char> cells)
    {
        var start = cells.IndexOf(MazeEncoding.Start);
        var goal = cells.IndexOf(MazeEncoding.Goal);
        if (start < 0 || goal < 0)
            throw new ArgumentException("The maze needs one S and one G.", nameof(cells));
        return (start, goal);
    }
}
