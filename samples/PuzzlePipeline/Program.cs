// Puzzle pipeline: generate easy Sudoku -> train a small TRM on CPU -> evaluate on held-out puzzles -> solve one.
// Usage: dotnet run --project samples/PuzzlePipeline -c Release [-- <steps> <minutes>]
using Microsoft.Extensions.Logging;
using Trm.Data.Puzzles;
using Trm.Data.Puzzles.Sudoku;
using Trm.Inference.Puzzles;
using Trm.Model;
using Trm.Training;

var steps = args.Length > 0 ? int.Parse(args[0]) : 2000;
var minutes = args.Length > 1 ? double.Parse(args[1]) : 14;
using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));

// 1. Data: easy puzzles (50 of 81 digits given), held-out test split, the reference's on-disk layout.
const string data = "data/sudoku-pipeline";
if (!Directory.Exists(data))
    new SudokuDatasetBuilder().WithSeed(0).Generate(train: 20_000, test: 500).WithClues(50).Build(data);

// 2. Train: a small recursive model, AdamATan2 + warm-up/cosine, evaluated on the test split at the end.
using var trainer = Trainer.CreateBuilder()
    .WithData(data)
    .WithArchitecture(a => a with
    {
        HiddenSize = 64, NumHeads = 4, Expansion = 2, LLayers = 1, HCycles = 2, LCycles = 2,
        MlpT = true, PosEncodings = PositionEncoding.None, PuzzleEmbNdim = 0, HaltMaxSteps = 4,
    })
    .WithOptimizer(lr: 1e-3, weightDecay: 0.1)
    .WithSchedule(warmupSteps: 100, minRatio: 0.1)
    .WithEpochs(epochs: (int)Math.Ceiling(steps * 32 / 20_000.0), globalBatchSize: 32)
    .WithLimits(maxSteps: steps, maxMinutes: minutes)
    .WithRun("puzzle-pipeline")
    .WithDevice(Trm.Torch.Device.Cpu)
    .WithLogger(logging.CreateLogger<Trainer>(), interval: 100)
    .Build();
var result = trainer.Run();
Console.WriteLine($"Held-out exact accuracy {result.LastEvaluation!.ExactAccuracy:P1} after {result.Steps} steps ({result.Elapsed:mm\\:ss}).");

// 3. Solve the first held-out puzzle from the saved checkpoint.
using var test = PuzzleDataset.Open(new PuzzleDatasetOptions { DatasetPaths = [data], Split = "test", GlobalBatchSize = 1, TestSetMode = true });
var puzzle = test.EnumerateBatches().First().Inputs;
using var solver = PuzzleSolver.Load(result.LastCheckpoint!);
var solution = solver.Solve(puzzle);
var grid = SudokuEncoding.Decode(puzzle);
var answer = SudokuEncoding.Decode(solution.Tokens);
Console.WriteLine(SudokuEncoding.Render(grid));
Console.WriteLine(SudokuEncoding.Render(answer));
Console.WriteLine($"valid: {SudokuSolver.IsSolutionOf(grid, answer)}, ACT steps: {solution.Steps}");
