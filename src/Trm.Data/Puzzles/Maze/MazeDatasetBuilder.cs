using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Trm.Data.Puzzles.Maze;

/// <summary>
/// Builds a maze dataset in the reference layout: each generated maze is a group; with
/// <see cref="WithDihedralAugmentation"/> the training group also holds the 7 other dihedral transforms of the maze
/// (each a one-example puzzle), as the reference's <c>--aug</c>. Encoding: see <see cref="MazeEncoding"/>.
/// </summary>
public sealed class MazeDatasetBuilder
{
    private long _seed;
    private int _size = 30;
    private int _train = 1000, _test = 200;
    private double _loops = 0.05, _minDistance = 0.75;
    private bool _augment;
    private ILogger _logger = NullLogger.Instance;

    /// <summary>Seed of generation (default 0).</summary>
    public MazeDatasetBuilder WithSeed(long seed)
    {
        _seed = seed;
        return this;
    }

    /// <summary>Side length N (default 30; seq_len = N²).</summary>
    public MazeDatasetBuilder WithSize(int size)
    {
        _ = new MazeGenerator(size);
        _size = size;
        return this;
    }

    /// <summary>Number of training and test mazes (default 1000 and 200).</summary>
    public MazeDatasetBuilder WithCounts(int train, int test)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(train);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(test);
        (_train, _test) = (train, test);
        return this;
    }

    /// <summary>Difficulty: fraction of walls opened for loops and minimum S–G distance fraction (see <see cref="MazeGenerator"/>).</summary>
    public MazeDatasetBuilder WithDifficulty(double loopFraction, double minDistanceFraction)
    {
        _ = new MazeGenerator(_size, loopFraction, minDistanceFraction);
        (_loops, _minDistance) = (loopFraction, minDistanceFraction);
        return this;
    }

    /// <summary>Add the 8 dihedral transforms of each training maze (default off).</summary>
    public MazeDatasetBuilder WithDihedralAugmentation(bool enabled = true)
    {
        _augment = enabled;
        return this;
    }

    /// <summary>Logs a summary of the build.</summary>
    public MazeDatasetBuilder WithLogger(ILogger logger)
    {
        _logger = logger ?? NullLogger.Instance;
        return this;
    }

    /// <summary>Runs <see cref="Build"/> on a worker thread (the SDK's rule: every dataset builder offers <c>Build</c> and <c>BuildAsync</c> with the same result).</summary>
    /// <param name="outputDirectory">The dataset folder to write.</param>
    /// <param name="progress">Receives progress reports.</param>
    /// <param name="cancellationToken">Stops the build; the previous dataset, if any, is left as it was.</param>
    public Task<PuzzleBuildResult> BuildAsync(string outputDirectory, IProgress<PuzzleBuildProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Task.Run(() => Build(outputDirectory, progress, cancellationToken), cancellationToken);

    /// <summary>Builds the dataset into <paramref name="outputDirectory"/> (replaced atomically when it exists).</summary>
    public PuzzleBuildResult Build(string outputDirectory, IProgress<PuzzleBuildProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        var generator = new MazeGenerator(_size, _loops, _minDistance);
        var train = Encode(Generate(generator, _train, 0, "generate train", progress, cancellationToken), _augment);
        var test = Encode(Generate(generator, _test, 1, "generate test", progress, cancellationToken), false);
        var result = PuzzleDatasetWriter.Write(outputDirectory, train, test, [PuzzleIdentifiers.Blank], MazeEncoding.VocabSize, 0, progress, cancellationToken);
        _logger.LogInformation("Maze dataset ({Size}x{Size}) written to {Output}: {Train} train puzzles, {Test} test puzzles", _size, _size, result.OutputDirectory, result.Train.TotalPuzzles, result.Test.TotalPuzzles);
        return result;
    }

    private MazePuzzle[] Generate(MazeGenerator generator, int count, int stream, string stage, IProgress<PuzzleBuildProgress>? progress, CancellationToken cancellationToken)
    {
        var mazes = new MazePuzzle[count];
        var done = 0;
        Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            mazes[i] = generator.Generate(((long)_seed << 8) ^ stream, i);
            var n = Interlocked.Increment(ref done);
            if (n % 256 == 0 || n == count)
                progress?.Report(new PuzzleBuildProgress(stage, n, count));
        });
        return mazes;
    }

    private PuzzleSet Encode(MazePuzzle[] mazes, bool augment)
    {
        var set = new PuzzleSetBuilder(_size * _size);
        foreach (var maze in mazes)
        {
            for (var t = 0; t < (augment ? DihedralTransform.Count : 1); t++)
            {
                var input = DihedralTransform.ApplySquare<char>(maze.Input, _size, t);
                var label = DihedralTransform.ApplySquare<char>(maze.Label, _size, t);
                set.AddExample(MazeEncoding.Encode(input), MazeEncoding.Encode(label)).EndPuzzle(0);
            }
            set.EndGroup();
        }
        return set.Build();
    }
}
