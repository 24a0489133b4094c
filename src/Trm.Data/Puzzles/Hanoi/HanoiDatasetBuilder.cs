using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Trm.Data.Puzzles.Hanoi;

/// <summary>
/// Builds a Tower of Hanoi dataset ("state → next optimal move", see <see cref="HanoiEncoding"/>) from every state of
/// <see cref="WithDiscs"/> disc counts, split by disc count or by state. Each state is a one-example puzzle in its own group.
/// </summary>
public sealed class HanoiDatasetBuilder
{
    private long _seed;
    private int _minDiscs = 2, _maxDiscs = 6;
    private HanoiSplit _split = HanoiSplit.ByDiscs;
    private double _testFraction = 0.1;
    private ILogger _logger = NullLogger.Instance;

    /// <summary>Seed of the shuffle (default 0).</summary>
    public HanoiDatasetBuilder WithSeed(long seed)
    {
        _seed = seed;
        return this;
    }

    /// <summary>Disc counts from <paramref name="minDiscs"/> to <paramref name="maxDiscs"/> (1–12; default 2–6).</summary>
    public HanoiDatasetBuilder WithDiscs(int minDiscs, int maxDiscs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minDiscs, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDiscs, 12);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minDiscs, maxDiscs);
        (_minDiscs, _maxDiscs) = (minDiscs, maxDiscs);
        return this;
    }

    /// <summary>The split rule (default <see cref="HanoiSplit.ByDiscs"/>) and, for <see cref="HanoiSplit.ByState"/>, the test fraction.</summary>
    public HanoiDatasetBuilder WithSplit(HanoiSplit split, double testFraction = 0.1)
    {
        if (testFraction is <= 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "Must be in (0, 1).");
        (_split, _testFraction) = (split, testFraction);
        return this;
    }

    /// <summary>Logs a summary of the build.</summary>
    public HanoiDatasetBuilder WithLogger(ILogger logger)
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
    /// <exception cref="InvalidOperationException">Split by discs needs at least two disc counts.</exception>
    public PuzzleBuildResult Build(string outputDirectory, IProgress<PuzzleBuildProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        if (_split == HanoiSplit.ByDiscs && _minDiscs == _maxDiscs)
            throw new InvalidOperationException("Splitting by disc count needs at least two disc counts (min < max).");
        var all = new List<int[]>();
        for (var n = _minDiscs; n <= _maxDiscs; n++)
        {
            var count = (long)Math.Pow(3, n);
            for (long i = 0; i < count; i++)
                all.Add(HanoiSolver.State(n, i));
        }
        List<int[]> train, test;
        if (_split == HanoiSplit.ByDiscs)
        {
            train = [.. all.Where(s => s.Length < _maxDiscs)];
            test = [.. all.Where(s => s.Length == _maxDiscs)];
        }
        else
        {
            var order = new DeterministicRandom(_seed).Permutation(all.Count);
            var testCount = Math.Max(1, (int)Math.Round(all.Count * _testFraction));
            test = [.. order.Take(testCount).Order().Select(i => all[i])];
            train = [.. order.Skip(testCount).Order().Select(i => all[i])];
        }
        var result = PuzzleDatasetWriter.Write(outputDirectory, Encode(train, progress, cancellationToken), Encode(test, progress, cancellationToken),
            [PuzzleIdentifiers.Blank], HanoiEncoding.VocabSize, HanoiEncoding.Pad, progress, cancellationToken);
        _logger.LogInformation("Hanoi dataset ({Min}-{Max} discs, split {Split}) written to {Output}: {Train} train, {Test} test states",
            _minDiscs, _maxDiscs, _split, result.OutputDirectory, train.Count, test.Count);
        return result;
    }

    private PuzzleSet Encode(List<int[]> states, IProgress<PuzzleBuildProgress>? progress, CancellationToken cancellationToken)
    {
        var set = new PuzzleSetBuilder(HanoiEncoding.SeqLen(_maxDiscs));
        for (var i = 0; i < states.Count; i++)
        {
            set.AddExample(HanoiEncoding.EncodeInput(states[i], _maxDiscs), HanoiEncoding.EncodeLabel(states[i], _maxDiscs)).EndPuzzle(0).EndGroup();
            if (i % 8192 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new PuzzleBuildProgress("encode", i, states.Count));
            }
        }
        return set.Build();
    }
}
