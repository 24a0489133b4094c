// Puzzle pipeline, composed in process: generate easy Sudoku -> open the splits -> build a small TRM -> train it on CPU
// -> evaluate on held-out puzzles before and after training -> solve one with the live model (no reload from disk).
// Usage: dotnet run --project samples/PuzzlePipeline -c Release [-- <steps> <minutes>]
using Microsoft.Extensions.Logging;
using Trm.Data.Puzzles;
using Trm.Data.Puzzles.Sudoku;
using Trm.Inference.Puzzles;
using Trm.Model;
using Trm.Torch;
using Trm.Training;
using Trm.Training.Evaluation;

var steps = args.Length > 0 ? int.Parse(args[0]) : 2000;
var minutes = args.Length > 1 ? double.Parse(args[1]) : 14;
const int Batch = 32;
using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));

// 1. Data: easy puzzles (50 of 81 digits given), held-out test split, the reference's on-disk layout.
var data = Path.Combine("data", "sudoku-pipeline");
if (!Directory.Exists(data))
    new SudokuDatasetBuilder().WithSeed(0).Generate(train: 20_000, test: 500).WithClues(50).Build(data);
var epochs = (int)Math.Ceiling(steps * (double)Batch / 20_000);
using var train = PuzzleDataset.Open(new PuzzleDatasetOptions { DatasetPaths = [data], Split = "train", GlobalBatchSize = Batch, EpochsPerIteration = epochs });
using var test = PuzzleDataset.Open(new PuzzleDatasetOptions { DatasetPaths = [data], Split = "test", GlobalBatchSize = Batch, TestSetMode = true });

// 2. Model: a small recursive model sized to the data.
using var model = new TrmModel(new TrmConfig
{
    VocabSize = train.VocabSize, SeqLen = train.SeqLen, NumPuzzleIdentifiers = train.NumPuzzleIdentifiers,
    HiddenSize = 64, NumHeads = 4, Expansion = 2, LLayers = 1, HCycles = 2, LCycles = 2,
    MlpT = true, PosEncodings = PositionEncoding.None, PuzzleEmbNdim = 0, HaltMaxSteps = 4,
}.ForDevice(Device.Cpu), new Generator(0));

// 3. Train: AdamATan2 + warm-up/cosine, evaluated on the test split before and after; the trainer borrows data and model.
TrainingResult result;
EvaluationResult before;
using (var trainer = Trainer.CreateBuilder()
    .WithData(train, test)
    .WithModel(model)
    .WithOptimizer(lr: 1e-3, weightDecay: 0.1)
    .WithSchedule(warmupSteps: 100, minRatio: 0.1)
    .WithEpochs(epochs: epochs, evalInterval: null, globalBatchSize: Batch)
    .WithLimits(maxSteps: steps, maxMinutes: minutes)
    .WithRun($"puzzle-pipeline-{DateTime.UtcNow:yyyyMMdd-HHmmss}")
    .WithDevice(Device.Cpu)
    .WithLogger(logging.CreateLogger<Trainer>(), interval: 100)
    .Build())
{
    before = trainer.Evaluate();
    result = trainer.Run();
}
var after = result.LastEvaluation!;
Console.WriteLine($"Held-out ({after.Examples} puzzles) before training: exact {before.ExactAccuracy:P1}, cells {before.Accuracy:P1}");
Console.WriteLine($"Held-out ({after.Examples} puzzles) after {result.Steps} steps ({result.Elapsed:mm\\:ss}): exact {after.ExactAccuracy:P1}, cells {after.Accuracy:P1}; checkpoint {result.LastCheckpoint}.");

// 4. Solve the first held-out puzzle with the trained model, still in memory.
using var solver = new PuzzleSolver(model) { StopAtHalt = false };
var puzzle = test.EnumerateBatches().First().Inputs.AsSpan(0, train.SeqLen).ToArray();
var solution = solver.Solve(puzzle);
var grid = SudokuEncoding.Decode(puzzle);
var answer = SudokuEncoding.Decode(solution.Tokens);
Console.WriteLine(SudokuEncoding.Render(grid));
Console.WriteLine(SudokuEncoding.Render(answer));
Console.WriteLine($"valid: {SudokuSolver.IsSolutionOf(grid, answer)}, ACT steps: {solution.Steps}");
