// The consumer test's app (eng/consumer-test.sh): data -> train -> solve -> plot with the packages from a local feed.
// Prints one "check: <name> ok" line per claim and exits non-zero at the first one that does not hold.
using Trm.Data.Puzzles;
using Trm.Data.Puzzles.Sudoku;
using Trm.Inference.Puzzles;
using Trm.Model;
using Trm.Tokenization;
using Trm.Training;
using Trm.Visualization;

static void Check(bool ok, string name)
{
    Console.WriteLine($"check: {name} {(ok ? "ok" : "FAILED")}");
    if (!ok) Environment.Exit(1);
}

// Tokenization (managed only).
Check(Gpt2Tokenizer.Create().EncodeToIds("Hello world").SequenceEqual([15496, 995]), "gpt2-ids");

// Data: a tiny easy-Sudoku set in the reference layout.
var built = new SudokuDatasetBuilder().WithSeed(0).Generate(train: 64, test: 4).WithClues(60).Build("data/sudoku-tiny");
Check(Directory.Exists("data/sudoku-tiny/train") && Directory.Exists("data/sudoku-tiny/test"), "dataset-built");

// Train a few steps (loads libtrm_native.so and libtorch from the Trm.Torch package).
using var trainer = Trainer.CreateBuilder()
    .WithData("data/sudoku-tiny")
    .WithArchitecture(a => a with
    {
        HiddenSize = 32, NumHeads = 2, Expansion = 2, LLayers = 1, HCycles = 1, LCycles = 1,
        MlpT = true, PosEncodings = PositionEncoding.None, PuzzleEmbNdim = 0, HaltMaxSteps = 2,
    })
    .WithOptimizer(lr: 1e-3, weightDecay: 0.1)
    .WithEpochs(epochs: 1, globalBatchSize: 16)
    .WithLimits(maxSteps: 4, maxMinutes: 1)
    .WithRun("consumer")
    .WithDevice(Trm.Torch.Device.Cpu)
    .Build();
var result = trainer.Run();
Check(result.Steps == 4 && result.LastCheckpoint is not null, $"trained-{result.Steps}-steps");

// Solve the first test puzzle from the saved checkpoint.
using var test = PuzzleDataset.Open(new PuzzleDatasetOptions { DatasetPaths = ["data/sudoku-tiny"], Split = "test", GlobalBatchSize = 1, TestSetMode = true });
int[] puzzle = test.EnumerateBatches().First().Inputs;
using var solver = PuzzleSolver.Load(result.LastCheckpoint!);
var solution = solver.Solve(puzzle);
var grid = SudokuGrid.FromTokens(solution.Tokens, puzzle);
Console.WriteLine(grid);
Check(solution.Tokens.Length == 81 && solution.Steps is >= 1 and <= 2, $"solved-in-{solution.Steps}-steps");

// Plot the run's metrics (ScottPlot + SkiaSharp's native asset from the packages).
string metrics = Path.Combine(Path.GetDirectoryName(result.LastCheckpoint!)!, "metrics.jsonl");
int records = MetricsPlot.Save(metrics, "curve.png", 600, 400);
Check(records >= 4 && new FileInfo("curve.png").Length > 5_000, "plotted");
