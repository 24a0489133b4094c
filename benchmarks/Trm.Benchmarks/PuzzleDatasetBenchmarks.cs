using BenchmarkDotNet.Attributes;
using Trm.Data.Puzzles;
using Trm.Data.Puzzles.Sudoku;

namespace Trm.Benchmarks;

/// <summary>
/// Puzzle data loading: one training pass over 20,000 generated Sudoku examples (memory-mapped uint8 npy) in global
/// batches of 768 (the reference Sudoku recipe's batch size), the test pass, and the Sudoku solver/generator.
/// </summary>
[MemoryDiagnoser]
public class PuzzleDatasetBenchmarks
{
    private string _root = "";
    private PuzzleDataset _train = null!;
    private PuzzleDataset _test = null!;
    private byte[] _hardPuzzle = [];

    /// <summary>Whether batches reuse one set of arrays (<see cref="PuzzleDatasetOptions.ReuseBatchBuffers"/>).</summary>
    [Params(false, true)]
    public bool Reuse { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "trm-bench-sudoku-" + Environment.ProcessId);
        new SudokuDatasetBuilder().WithSeed(1).Generate(train: 10_000, test: 2_000).WithDifficulty(SudokuDifficulty.Easy).WithAugmentations(1).Build(_root);
        _train = PuzzleDataset.Open(new PuzzleDatasetOptions { DatasetPaths = [_root], GlobalBatchSize = 768, Seed = 0, ReuseBatchBuffers = Reuse });
        _test = PuzzleDataset.Open(new PuzzleDatasetOptions { DatasetPaths = [_root], Split = "test", GlobalBatchSize = 768, TestSetMode = true, ReuseBatchBuffers = Reuse });
        // "AI Escargot", a classic hard puzzle.
        _hardPuzzle = SudokuPuzzle.ParseGrid("1....7.9..3..2...8..96..5....53..9...1..8...26....4...3......1..4......7..7...3..");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _train.Dispose();
        _test.Dispose();
        Directory.Delete(_root, true);
    }

    /// <summary>One training pass (shuffle, sample, collate to int32 with -100 labels).</summary>
    [Benchmark]
    public long TrainPass()
    {
        long sum = 0;
        foreach (var batch in _train.EnumerateBatches())
            sum += batch.Inputs[0];
        return sum;
    }

    /// <summary>The test pass (every example once, padded last batch).</summary>
    [Benchmark]
    public long TestPass()
    {
        long sum = 0;
        foreach (var batch in _test.EnumerateBatches())
            sum += batch.Labels[0];
        return sum;
    }

    /// <summary>Proving uniqueness of a hard puzzle (search for up to two solutions).</summary>
    [Benchmark]
    public int SolveHardPuzzle() => SudokuSolver.CountSolutions(_hardPuzzle, 2);

    /// <summary>Generating one 32-clue puzzle with a unique solution.</summary>
    [Benchmark]
    public int GenerateMediumPuzzle() => SudokuGenerator.Generate(7, Environment.TickCount & 1023, 32).Clues;
}
