using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Trm.Data.Puzzles.Sudoku;

/// <summary>
/// Builds a Sudoku dataset in the reference layout (<c>train/</c>, <c>test/</c>, <c>identifiers.json</c>), from
/// generated puzzles (default) or sudoku-extreme CSV files. Each training puzzle forms a group with its
/// <see cref="WithAugmentations"/> random symmetries (each its own one-example puzzle); the test split is never
/// augmented. Encoding: see <see cref="SudokuEncoding"/>. Output is written atomically.
/// </summary>
/// <example><code>
/// var result = new SudokuDatasetBuilder().WithSeed(0).Generate(train: 100, test: 100)
///     .WithDifficulty(SudokuDifficulty.Easy).WithAugmentations(1).Build("data/sudoku-small");
/// </code></example>
public sealed class SudokuDatasetBuilder
{
    private long _seed;
    private string? _trainCsv, _testCsv;
    private int _trainCount = 1000, _testCount = 1000;
    private int _clues = SudokuGenerator.CluesFor(SudokuDifficulty.Medium);
    private int? _subsample;
    private int? _minRating;
    private int _augmentations;
    private ILogger _logger = NullLogger.Instance;

    /// <summary>Seed of generation, subsampling and augmentation (default 0).</summary>
    public SudokuDatasetBuilder WithSeed(long seed)
    {
        _seed = seed;
        return this;
    }

    /// <summary>Generate <paramref name="train"/> and <paramref name="test"/> puzzles (the default source; 1000 each).</summary>
    public SudokuDatasetBuilder Generate(int train, int test)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(train);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(test);
        _trainCsv = _testCsv = null;
        _trainCount = train;
        _testCount = test;
        return this;
    }

    /// <summary>Import sudoku-extreme CSV files (<c>source,question,answer,rating</c>) instead of generating.</summary>
    public SudokuDatasetBuilder FromCsv(string trainCsv, string testCsv)
    {
        ArgumentException.ThrowIfNullOrEmpty(trainCsv);
        ArgumentException.ThrowIfNullOrEmpty(testCsv);
        _trainCsv = trainCsv;
        _testCsv = testCsv;
        return this;
    }

    /// <summary>Givens left in generated puzzles (17–81; default 32).</summary>
    public SudokuDatasetBuilder WithClues(int clues)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clues, 17);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(clues, 81);
        _clues = clues;
        return this;
    }

    /// <summary>Sets the clue count from a preset.</summary>
    public SudokuDatasetBuilder WithDifficulty(SudokuDifficulty difficulty) => WithClues(SudokuGenerator.CluesFor(difficulty));

    /// <summary>Keep only puzzles rated at least <paramref name="minRating"/> (CSV rating, or the generator's guess count).</summary>
    public SudokuDatasetBuilder WithMinRating(int? minRating)
    {
        _minRating = minRating;
        return this;
    }

    /// <summary>Keep a random subset of <paramref name="size"/> training puzzles (the reference's <c>subsample_size</c>; for generation it sets the training count).</summary>
    public SudokuDatasetBuilder WithSubsampleSize(int? size)
    {
        if (size is <= 0)
            throw new ArgumentOutOfRangeException(nameof(size), size, "Must be positive.");
        _subsample = size;
        return this;
    }

    /// <summary>Random symmetries added per training puzzle (<c>num_aug</c>, default 0).</summary>
    public SudokuDatasetBuilder WithAugmentations(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _augmentations = count;
        return this;
    }

    /// <summary>Logs a summary of the build.</summary>
    public SudokuDatasetBuilder WithLogger(ILogger logger)
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
    /// <exception cref="TrmDataException">A CSV record is malformed.</exception>
    public PuzzleBuildResult Build(string outputDirectory, IProgress<PuzzleBuildProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        List<SudokuPuzzle> train, test;
        if (_trainCsv is not null)
        {
            train = Load(_trainCsv, "read train", progress, cancellationToken);
            test = Load(_testCsv!, "read test", progress, cancellationToken);
            if (_subsample is { } n && n < train.Count)
            {
                var rng = new DeterministicRandom(_seed, 1);
                var pick = rng.Permutation(train.Count).AsSpan(0, n).ToArray();
                train = [.. pick.Select(i => train[i])];
            }
        }
        else
        {
            train = GeneratePuzzles(_subsample ?? _trainCount, 0, "generate train", progress, cancellationToken);
            test = GeneratePuzzles(_testCount, 1, "generate test", progress, cancellationToken);
        }
        var augRng = new DeterministicRandom(_seed, 2);
        var trainSet = Encode(train, _augmentations, augRng, progress, cancellationToken);
        var testSet = Encode(test, 0, augRng, progress, cancellationToken);
        var result = PuzzleDatasetWriter.Write(outputDirectory, trainSet, testSet, [PuzzleIdentifiers.Blank], SudokuEncoding.VocabSize, 0, progress, cancellationToken);
        _logger.LogInformation("Sudoku dataset written to {Output}: {Train} train puzzles ({Examples} examples with {Aug} augmentations each), {Test} test puzzles",
            result.OutputDirectory, train.Count, result.Train.TotalPuzzles, _augmentations, test.Count);
        return result;
    }

    private List<SudokuPuzzle> Load(string path, string stage, IProgress<PuzzleBuildProgress>? progress, CancellationToken cancellationToken)
    {
        var list = new List<SudokuPuzzle>();
        foreach (var p in SudokuCsvReader.Read(path, _minRating))
        {
            list.Add(p);
            if (list.Count % 10000 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new PuzzleBuildProgress(stage, list.Count, 0));
            }
        }
        progress?.Report(new PuzzleBuildProgress(stage, list.Count, list.Count));
        return list;
    }

    private List<SudokuPuzzle> GeneratePuzzles(int count, int stream, string stage, IProgress<PuzzleBuildProgress>? progress, CancellationToken cancellationToken)
    {
        var puzzles = new SudokuPuzzle[count];
        var done = 0;
        var options = new ParallelOptions { CancellationToken = cancellationToken };
        Parallel.For(0, count, options, i =>
        {
            // Each index has its own stream, so the output does not depend on thread scheduling.
            SudokuPuzzle p;
            var attempt = 0;
            do
                p = SudokuGenerator.Generate(((long)_seed << 8) ^ stream, i * 64 + attempt++, _clues);
            while (_minRating is { } min && p.Rating < min && attempt < 64);
            puzzles[i] = p;
            var n = Interlocked.Increment(ref done);
            if (n % 256 == 0 || n == count)
                progress?.Report(new PuzzleBuildProgress(stage, n, count));
        });
        return [.. puzzles];
    }

    private static PuzzleSet Encode(List<SudokuPuzzle> puzzles, int augmentations, DeterministicRandom rng, IProgress<PuzzleBuildProgress>? progress, CancellationToken cancellationToken)
    {
        var set = new PuzzleSetBuilder(SudokuEncoding.SeqLen);
        Span<byte> input = stackalloc byte[SudokuEncoding.SeqLen];
        Span<byte> label = stackalloc byte[SudokuEncoding.SeqLen];
        for (var i = 0; i < puzzles.Count; i++)
        {
            var p = puzzles[i];
            for (var a = 0; a <= augmentations; a++)
            {
                // The first puzzle of each group is the original, as in the reference.
                var aug = a == 0 ? null : SudokuAugmentation.Random(rng);
                SudokuEncoding.Encode(aug is null ? p.Puzzle : aug.Apply(p.Puzzle), input);
                SudokuEncoding.Encode(aug is null ? p.Solution : aug.Apply(p.Solution), label);
                set.AddExample(input, label).EndPuzzle(0);
            }
            set.EndGroup();
            if (i % 4096 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new PuzzleBuildProgress("encode", i, puzzles.Count));
            }
        }
        return set.Build();
    }
}
