using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Trm.Data.Puzzles;
using Trm.Data.Puzzles.Sudoku;
using Trm.Inference.Puzzles;
using Trm.Training;
using Trm.Training.Configuration;

namespace HostedTraining;

/// <summary>
/// The sample's work, every part from the container: builds the Sudoku dataset when it is missing, evaluates the untrained
/// model, trains it with the bound options, and solves a held-out puzzle with the registered solver.
/// </summary>
public sealed class SudokuTrainingJob(
    IOptions<TrainConfig> training,
    IOptions<SudokuDataOptions> data,
    SudokuDatasetBuilder datasetBuilder,
    ITrainerFactory trainers,
    IServiceProvider services,
    ILogger<SudokuTrainingJob> logger)
{
    /// <summary>Runs the job.</summary>
    /// <param name="cancellationToken">Stops training after the current step (the last checkpoint is still written).</param>
    public async Task<SudokuTrainingReport> RunAsync(CancellationToken cancellationToken = default)
    {
        // 1. Data: easy generated puzzles in the reference layout, built once.
        var config = training.Value;
        var dataPath = config.DataPaths[0];
        if (!Directory.Exists(dataPath))
        {
            var d = data.Value;
            logger.LogInformation("Generating {Train} training and {Test} held-out Sudoku puzzles ({Clues} clues) into {Path}", d.TrainPuzzles, d.TestPuzzles, d.Clues, dataPath);
            datasetBuilder.WithSeed(d.Seed).Generate(d.TrainPuzzles, d.TestPuzzles).WithClues(d.Clues).Build(dataPath, cancellationToken: cancellationToken);
        }

        // 2. A fresh run each time, as the quickstart does.
        var runFolder = config.ResolveCheckpointPath(config.ResolveRunName(DateTimeOffset.UtcNow));
        if (Directory.Exists(runFolder)) Directory.Delete(runFolder, recursive: true);

        // 3. Train with the bound options; evaluate the untrained model first to see what training buys.
        TrainingResult result;
        double before;
        using (var trainer = trainers.Create())
        {
            before = trainer.Evaluate(cancellationToken).ExactAccuracy;
            result = await trainer.RunAsync(cancellationToken: cancellationToken);
        }

        // 4. Solve a held-out puzzle. The solver is resolved now, not injected: it loads the checkpoint training just wrote.
        var solver = services.GetRequiredService<PuzzleSolver>();
        var puzzle = FirstTestPuzzle(dataPath);
        var solution = solver.Solve(puzzle);
        var grid = SudokuEncoding.Decode(puzzle);
        var answer = SudokuEncoding.Decode(solution.Tokens);
        return new SudokuTrainingReport(before, result.LastEvaluation?.ExactAccuracy ?? double.NaN, result.Steps, result.LastCheckpoint!,
            grid, answer, solution.Steps, SudokuSolver.IsSolutionOf(grid, answer));
    }

    private static int[] FirstTestPuzzle(string dataPath)
    {
        using var test = PuzzleDataset.Open(new PuzzleDatasetOptions { DatasetPaths = [dataPath], Split = "test", GlobalBatchSize = 1, TestSetMode = true });
        return test.EnumerateBatches().First().Inputs.AsSpan(0, SudokuEncoding.SeqLen).ToArray();
    }
}
