using System.Text.Json;
using Trm.Cli.Commands;
using Trm.Core.IO;
using Trm.Model.Configuration;

namespace Trm.Cli.Tests;

/// <summary>
/// <c>train</c>, <c>eval</c>, <c>solve</c>, <c>generate</c> and <c>quickstart</c> end a user error with one line
/// <c>error: …</c> naming the file, key or option, and a documented exit code; <c>--verbose</c> adds the stack trace.
/// </summary>
[NonParallelizable]
public sealed class CommandErrorTests
{
    private const string Puzzle = "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79";
    private string _root = "";

    [SetUp]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), $"trm-cli-errors-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_root);
    }

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Trains a 2-step Sudoku TRM with the CLI and returns its run folder.</summary>
    private string TinyRun()
    {
        var data = Path.Combine(_root, "data");
        new Trm.Data.Puzzles.Sudoku.SudokuDatasetBuilder().Generate(8, 4).WithClues(60).Build(data);
        var checkpoints = Path.Combine(_root, "ckpt");
        var result = CliRunner.Run("train", $"data_paths=[{data}]", "global_batch_size=4", "epochs=1", "max_steps=2", "device=cpu", "arch.hidden_size=32", "arch.num_heads=2",
            "arch.expansion=2", "arch.L_layers=1", "arch.H_cycles=1", "arch.L_cycles=1", "arch.puzzle_emb_ndim=0", "arch.halt_max_steps=2", "arch.mlp_t=True",
            "arch.pos_encodings=none", $"checkpoint_path={checkpoints}", "+run_name=tiny", "--verbose");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        return checkpoints;
    }

    [Test]
    public void ABadConfigKeyIsOneLineAndVerboseAddsTheStack()
    {
        var plain = CliRunner.Run("train", "data_paths=[nowhere]", "arch.L_cycle=6");
        Assert.That(plain.ExitCode, Is.EqualTo(CommandErrors.UserError));
        Assert.That(Lines(plain.Error), Has.Length.EqualTo(1));
        Assert.That(plain.Error, Does.StartWith("error: Config key 'arch.L_cycle'").And.Contain("did you mean 'arch.L_cycles'"));

        var verbose = CliRunner.Run("train", "data_paths=[nowhere]", "arch.L_cycle=6", "--verbose");
        Assert.That(verbose.ExitCode, Is.EqualTo(CommandErrors.UserError));
        Assert.That(Lines(verbose.Error)[0], Is.EqualTo(Lines(plain.Error)[0]));
        Assert.That(verbose.Error, Does.Contain(typeof(TrmConfigException).FullName).And.Contain("   at "));
    }

    [Test]
    public void AMissingDatasetNamesTheFileAndLeavesNoRunFolder()
    {
        var checkpoints = Path.Combine(_root, "ckpt");
        var result = CliRunner.Run("train", $"data_paths=[{Path.Combine(_root, "none")}]", $"checkpoint_path={checkpoints}", "+run_name=x");
        Assert.That(result.ExitCode, Is.EqualTo(CommandErrors.UserError));
        Assert.That(result.Error, Is.EqualTo($"error: {Path.Combine(_root, "none", "train", "dataset.json")}: missing dataset.json: not a puzzle split folder\n"));
        Assert.That(Directory.Exists(checkpoints), Is.False, "a run that failed before writing anything leaves no folder");
    }

    [Test]
    public void ASecondTrainerOnALockedRunFolderExitsWithTheHoldersPid()
    {
        var data = Path.Combine(_root, "data");
        new Trm.Data.Puzzles.Sudoku.SudokuDatasetBuilder().Generate(8, 4).WithClues(60).Build(data);
        var run = Path.Combine(_root, "ckpt");
        Directory.CreateDirectory(run);
        // pid 1 is alive and started before this lock: a running trainer as far as the lock can tell.
        var owner = new DirectoryLockOwner(1, Environment.MachineName, DateTimeOffset.UtcNow);
        File.WriteAllText(Path.Combine(run, "run.lock"), JsonSerializer.Serialize(owner));
        var result = CliRunner.Run("train", $"data_paths=[{data}]", $"checkpoint_path={run}", "+run_name=x", "device=cpu");
        Assert.That(result.ExitCode, Is.EqualTo(CommandErrors.UserError));
        Assert.That(Lines(result.Error), Has.Length.EqualTo(1));
        Assert.That(result.Error, Does.StartWith($"error: {run} is in use by pid 1 on host {Environment.MachineName}").And.Contain(Path.Combine(run, "run.lock")));
    }

    [Test]
    public void EvalNamesAMissingOrCorruptCheckpointAndStopsAtItsTimeout()
    {
        var missing = CliRunner.Run("eval", "--checkpoint", Path.Combine(_root, "nope"), "--data", _root);
        Assert.That(missing.ExitCode, Is.EqualTo(CommandErrors.UserError));
        Assert.That(missing.Error, Is.EqualTo($"error: Checkpoint {Path.Combine(_root, "nope")}: folder not found\n"));

        var checkpoints = TinyRun();
        var step = Path.Combine(checkpoints, "step_2");
        var timedOut = CliRunner.Run("eval", "--checkpoint", step, "--data", Path.Combine(_root, "data"), "--device", "cpu", "--timeout", "0.000001");
        Assert.That(timedOut.ExitCode, Is.EqualTo(EvalCommand.TimedOut));
        Assert.That(timedOut.Error, Is.EqualTo($"error: --timeout: the evaluation of {step} did not finish in 1E-06 s; stopped (raise --timeout, or lower --max-examples)\n"));
        var badTimeout = CliRunner.Run("eval", "--checkpoint", step, "--data", Path.Combine(_root, "data"), "--timeout", "0");
        Assert.That((badTimeout.ExitCode, badTimeout.Error), Is.EqualTo((CommandErrors.UserError, "error: --timeout: must be a positive number of seconds, got 0\n")));

        var weights = Path.Combine(step, "model.safetensors");
        var bytes = File.ReadAllBytes(weights);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(weights, bytes);
        var corrupt = CliRunner.Run("eval", "--checkpoint", step, "--data", Path.Combine(_root, "data"), "--device", "cpu");
        Assert.That(corrupt.ExitCode, Is.EqualTo(CommandErrors.UserError));
        Assert.That(Lines(corrupt.Error), Has.Length.EqualTo(1));
        Assert.That(corrupt.Error, Does.StartWith($"error: Checkpoint {step}: file 'model.safetensors' fails its checksum"));

        var solve = CliRunner.Run("solve", "--checkpoint", step, "--sudoku", Puzzle);
        Assert.That(solve.ExitCode, Is.EqualTo(CommandErrors.UserError));
        Assert.That(solve.Error, Does.StartWith($"error: Checkpoint {step}: file 'model.safetensors' fails its checksum"));
    }

    [Test]
    public void SolveNamesTheCellsOfContradictoryGivensBeforeRunningAnyModel()
    {
        var grid = new char[81];
        Array.Fill(grid, '.');
        grid[0] = '5';   // r1c1
        grid[8] = '5';   // r1c9: 5 twice in row 1
        grid[10] = '3';  // r2c2
        grid[20] = '3';  // r3c3: 3 twice in box 1
        var result = CliRunner.Run("solve", "--checkpoint", Path.Combine(_root, "no-checkpoint-needed"), "--sudoku", new string(grid));
        Assert.That(result.ExitCode, Is.EqualTo(CommandErrors.UserError));
        Assert.That(result.Error, Is.EqualTo("error: --sudoku: contradictory givens: 5 twice in row 1 (r1c1 and r1c9); 3 twice in box 1 (r2c2 and r3c3) (cells are rRcC, 1-based)\n"));

        // No rule broken, but r1c9 can only be 9 and column 9 already has a 9.
        var unsolvable = CliRunner.Run("solve", "--checkpoint", _root, "--sudoku", "12345678.........9" + new string('.', 63));
        Assert.That((unsolvable.ExitCode, unsolvable.Error), Is.EqualTo((CommandErrors.UserError, "error: --sudoku: the givens break no rule but the puzzle has no solution\n")));
    }

    [Test]
    public void CudaOnABuildWithoutCudaSaysSo()
    {
        if (Trm.Torch.Cuda.CudaDevice.IsCompiled) Assert.Ignore("this engine was built with CUDA");
        foreach (var args in new[]
        {
            new[] { "solve", "--checkpoint", _root, "--sudoku", Puzzle, "--device", "cuda" },
            ["eval", "--checkpoint", _root, "--data", _root, "--device", "cuda:1"],
            ["generate", "--checkpoint", _root, "--prompt", "hi", "--device", "cuda"],
        })
        {
            var result = CliRunner.Run(args);
            Assert.That(result.ExitCode, Is.EqualTo(CommandErrors.UserError), args[0]);
            Assert.That(Lines(result.Error), Has.Length.EqualTo(1), args[0]);
            Assert.That(result.Error, Does.StartWith("error: device 'cuda:").And.Contain("built without CUDA"), args[0]);
        }
    }

    [Test]
    public void GenerateAndQuickstartErrorsAreOneLine()
    {
        var generate = CliRunner.Run("generate", "--checkpoint", Path.Combine(_root, "nope"), "--prompt", "hi");
        Assert.That((generate.ExitCode, generate.Error), Is.EqualTo((CommandErrors.UserError, $"error: Checkpoint {Path.Combine(_root, "nope")}: folder not found\n")));
        var sampling = CliRunner.Run("generate", "--checkpoint", _root, "--prompt", "hi", "--top-p", "2");
        Assert.That((sampling.ExitCode, sampling.Error), Is.EqualTo((CommandErrors.UserError, "error: --top-p: must be in (0, 1], got 2\n")));

        var data = Path.Combine(_root, "qs");
        var quickstart = CliRunner.Run("quickstart", "--steps", "0", "--data", data, "--checkpoints", Path.Combine(_root, "qsc"));
        Assert.That(quickstart.ExitCode, Is.EqualTo(CommandErrors.UserError));
        Assert.That(quickstart.Error, Is.EqualTo("error: --steps: must be positive, got 0\n"));
        Assert.That(Directory.Exists(data), Is.False, "refused before generating any data");

        // Its run folder is replaced as a whole, but not while a live trainer (pid 1 here) holds it.
        var run = Path.Combine(_root, "qsc", "quickstart");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "run.lock"), JsonSerializer.Serialize(new DirectoryLockOwner(1, Environment.MachineName, DateTimeOffset.UtcNow)));
        var locked = CliRunner.Run("quickstart", "--steps", "1", "--train-puzzles", "8", "--test-puzzles", "2", "--clues", "60", "--data", data, "--checkpoints", Path.Combine(_root, "qsc"));
        Assert.That(locked.ExitCode, Is.EqualTo(CommandErrors.UserError));
        Assert.That(locked.Error, Does.StartWith($"error: {run} is in use by pid 1 on host {Environment.MachineName}"));
        Assert.That(File.Exists(Path.Combine(run, "run.lock")), Is.True);
    }

    [Test]
    public void DescribeMapsExpectedUnexpectedAndCancelledFailures()
    {
        Assert.That(CommandErrors.Describe(new ArgumentOutOfRangeException("--top-p", 2.0, "must be in (0, 1]")),
            Is.EqualTo((CommandErrors.UserError, "error: --top-p: must be in (0, 1], got 2")));
        Assert.That(CommandErrors.Describe(new ArgumentException("--top-p is bad", "--top-p")), Is.EqualTo((CommandErrors.UserError, "error: --top-p is bad")));
        Assert.That(CommandErrors.Describe(new IOException("No space left on device : '/data/x'\nmore")),
            Is.EqualTo((CommandErrors.UserError, "error: No space left on device : '/data/x'")));
        Assert.That(CommandErrors.Describe(new InvalidCastException("boom")), Is.EqualTo((CommandErrors.Unexpected, "error: unexpected InvalidCastException: boom")));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.That(CommandErrors.Describe(new OperationCanceledException(), cancelled.Token), Is.EqualTo((CommandErrors.Cancelled, "error: cancelled")));

        var error = new StringWriter { NewLine = "\n" };
        Assert.That(CommandErrors.Report(error, new InvalidCastException("boom"), verbose: false), Is.EqualTo(CommandErrors.Unexpected));
        Assert.That(error.ToString(), Is.EqualTo("error: unexpected InvalidCastException: boom\n(run again with --verbose for the stack trace)\n"));
    }

    [Test]
    public void PlotSkipsATornLastLineWithAWarning()
    {
        var metrics = Path.Combine(_root, "metrics.jsonl");
        File.WriteAllText(metrics, "{\"step\":1,\"split\":\"train\",\"lm_loss\":0.5}\n{\"step\":2,\"split\":\"train\",\"lm_loss\":0.25}\n{\"step\":3,\"spl");
        var picture = Path.Combine(_root, "curve.svg");
        var result = CliRunner.Run("plot", metrics, "-o", picture);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Error, Is.EqualTo($"warning: {metrics}: skipped a torn last line (14 characters)\n"));
        Assert.That(result.Output, Is.EqualTo($"{picture}: 2 records plotted\n"));
        Assert.That(File.ReadAllText(metrics), Does.EndWith("{\"step\":3,\"spl"), "plotting never changes the file");
    }

    [Test]
    public void TwoTrainersOnOneRunTheSecondExitsNonZeroNamingTheFirstsPid()
    {
        var data = Path.Combine(_root, "data");
        new Trm.Data.Puzzles.Sudoku.SudokuDatasetBuilder().Generate(8, 4).WithClues(60).Build(data);
        var run = Path.Combine(_root, "ckpt");
        string[] args = ["train", $"data_paths=[{data}]", "global_batch_size=4", "epochs=100000", "device=cpu", "arch.hidden_size=16", "arch.num_heads=1",
            "arch.expansion=2", "arch.L_layers=1", "arch.H_cycles=1", "arch.L_cycles=1", "arch.puzzle_emb_ndim=0", "arch.halt_max_steps=1", "arch.mlp_t=True",
            "arch.pos_encodings=none", "max_minutes=2", $"checkpoint_path={run}", "+run_name=x"];
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "trm.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var first = System.Diagnostics.Process.Start(psi)!;
        try
        {
            var lockFile = Path.Combine(run, "run.lock");
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!File.Exists(Path.Combine(run, "metrics.jsonl")) && waited.Elapsed < TimeSpan.FromSeconds(90) && !first.HasExited) Thread.Sleep(100);
            Assert.That(first.HasExited, Is.False, "the first trainer is still training");
            var second = CliRunner.Run(args);
            Assert.That(second.ExitCode, Is.EqualTo(CommandErrors.UserError));
            Assert.That(Lines(second.Error), Has.Length.EqualTo(1));
            Assert.That(second.Error, Does.StartWith($"error: {run} is in use by pid {first.Id} on host {Environment.MachineName}").And.Contain(lockFile));
        }
        finally
        {
            first.Kill();
            first.WaitForExit();
        }
        // Killed, it could not remove its lock; the lock is stale now and the next claimant takes it over.
        Assert.That(File.Exists(Path.Combine(run, "run.lock")), Is.True);
        var stale = new List<DirectoryLockOwner?>();
        using (var taken = DirectoryLock.Acquire(run, onStaleLock: stale.Add))
        {
            Assert.That(stale.Single()!.Pid, Is.EqualTo(first.Id));
            Assert.That(taken.Owner.Pid, Is.EqualTo(Environment.ProcessId));
        }
    }
}
