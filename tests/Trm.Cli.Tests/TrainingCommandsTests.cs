using System.Text.Json;
using Spectre.Console;
using Trm.Cli;

namespace Trm.Cli.Tests;

/// <summary>End-to-end tests of <c>trm train</c>, <c>eval</c>, <c>solve</c> and <c>quickstart</c>.</summary>
[NonParallelizable]
public sealed class TrainingCommandsTests
{
    private string _root = "";

    [SetUp]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), $"trm-cli-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_root);
    }

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    /// <summary>Runs <c>trm</c> in process with the console captured (shared with the chat training tests).</summary>
    internal static async Task<(int Code, string Out, string Err)> Trm(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var (oldOut, oldErr, oldConsole) = (Console.Out, Console.Error, AnsiConsole.Console);
        Console.SetOut(stdout);
        Console.SetError(stderr);
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout), Interactive = InteractionSupport.No, Ansi = AnsiSupport.No });
        try
        {
            var code = await TrmCommandLine.InvokeAsync(args);
            return (code, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
            AnsiConsole.Console = oldConsole;
        }
    }

    [Test]
    public async Task TrainRejectsABadOverrideByName()
    {
        var (code, _, err) = await Trm("train", "data_paths=[nowhere]", "arch.L_cycle=6");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(err, Does.Contain("Config key 'arch.L_cycle'").And.Contain("did you mean 'arch.L_cycles'"));
    }

    [Test]
    public async Task TrainReportsAMissingDataset()
    {
        var (code, _, err) = await Trm("train", $"data_paths=[{Path.Combine(_root, "none")}]", "epochs=1", "eval_interval=1");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(err, Does.Contain("none"));
    }

    [Test]
    public async Task TrainWithAConfigFileAndOverrides()
    {
        var data = Path.Combine(_root, "data");
        new Trm.Data.Puzzles.Sudoku.SudokuDatasetBuilder().Generate(8, 4).WithClues(60).Build(data);
        var file = Path.Combine(_root, "run.json");
        File.WriteAllText(file, $$"""
            { "data_paths": ["{{data.Replace("\\", "/")}}"], "global_batch_size": 4, "epochs": 2, "eval_interval": 1, "device": "cpu",
              "arch": { "hidden_size": 32, "num_heads": 2, "expansion": 2, "L_layers": 1, "H_cycles": 1, "L_cycles": 1, "puzzle_emb_ndim": 0, "halt_max_steps": 2 } }
            """);
        var checkpoints = Path.Combine(_root, "ckpt");
        var (code, output, err) = await Trm("train", "--config", file, "arch.mlp_t=True", "arch.pos_encodings=none", "lr=1e-3", $"checkpoint_path={checkpoints}", "+run_name=cli", "--save-initial");
        Assert.That(code, Is.EqualTo(0), err);
        Assert.That(output, Does.Contain("run cli: 4 steps on cpu"));
        Assert.That(output, Does.Contain("eval @ step 2").And.Contain("eval @ step 4"), "one evaluation per eval_interval epoch");
        Assert.That(Directory.GetDirectories(checkpoints).Select(Path.GetFileName), Is.EquivalentTo(new[] { "step_0", "step_2", "step_4" }), "--save-initial adds step_0");
        Assert.That(File.ReadAllText(Path.Combine(checkpoints, "step_0", "trainer.json")), Does.Contain("\"step\": 0,"));
        Assert.That(File.ReadAllBytes(Path.Combine(checkpoints, "step_0", "model.safetensors")),
            Is.Not.EqualTo(File.ReadAllBytes(Path.Combine(checkpoints, "step_2", "model.safetensors"))), "step_0 holds the weights before any update");
    }

    [Test]
    public async Task SolveRejectsAMalformedGrid()
    {
        var (code, _, err) = await Trm("solve", "--checkpoint", _root, "--sudoku", "53..7");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(err, Does.Contain("--sudoku").And.Contain("81 cells"));
    }

    [Test]
    public async Task QuickstartThenEvalAndSolveFromItsCheckpoint()
    {
        var data = Path.Combine(_root, "data");
        var checkpoints = Path.Combine(_root, "ckpt");
        var (code, output, err) = await Trm("quickstart", "--data", data, "--checkpoints", checkpoints, "--steps", "12", "--train-puzzles", "48", "--test-puzzles", "8", "--clues", "60");
        Assert.That(code, Is.EqualTo(0), err);
        Assert.That(output, Does.Contain("1/4 generating 48 training + 8 held-out puzzles"));
        Assert.That(output, Does.Contain("3/4 held-out puzzles:").And.Contain("(8 puzzles"));
        Assert.That(System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " "), Does.Contain("(trm solve --act-early-stop): "), "the early-stop rule's accuracy too");
        Assert.That(output, Does.Contain("valid solution:").And.Contain("ACT steps:"));
        var checkpoint = Path.Combine(checkpoints, "quickstart", "step_12");
        Assert.That(File.Exists(Path.Combine(checkpoint, "manifest.json")), Is.True);
        Assert.That(File.ReadLines(Path.Combine(checkpoints, "quickstart", "metrics.jsonl")).Count(l => l.Contains("\"split\":\"train\"")), Is.EqualTo(12));

        var (evalCode, evalOut, evalErr) = await Trm("eval", "--checkpoint", checkpoint, "--data", data);
        Assert.That(evalCode, Is.EqualTo(0), evalErr);
        Assert.That(evalOut, Does.Contain("eval @ step 12").And.Contain("8 puzzles").And.Contain("exact_accuracy").And.Contain("early_stop_exact_accuracy"));

        const string Grid = "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79";
        var (solveCode, solveOut, _) = await Trm("solve", "--checkpoint", checkpoint, "--sudoku", Grid);
        Assert.That(solveCode, Is.EqualTo(0).Or.EqualTo(1), "0 when the answer is valid, 1 when not");
        Assert.That(solveOut, Does.Contain("model's answer:").And.Contain("ACT steps: 4 of 4 (all steps; halting probability"), "every ACT step by default, as evaluation");
        var (earlyCode, earlyOut, _) = await Trm("solve", "--checkpoint", checkpoint, "--sudoku", Grid, "--act-early-stop", "--halt-threshold", "0.5");
        Assert.That(earlyCode, Is.EqualTo(0).Or.EqualTo(1));
        Assert.That(earlyOut, Does.Match(@"ACT steps: (\d of 4 \(stopped early: halting probability 0\.\d+ > 0\.5\)|4 of 4 \(step limit)"));
        var (both, _, bothErr) = await Trm("solve", "--checkpoint", checkpoint, "--sudoku", Grid, "--act-early-stop", "--all-steps");
        Assert.That(both, Is.EqualTo(2));
        Assert.That(bothErr, Does.Contain("contradict"));
        var (bad, _, badErr) = await Trm("solve", "--checkpoint", checkpoint, "--sudoku", Grid, "--act-early-stop", "--halt-threshold", "1");
        Assert.That(bad, Is.EqualTo(2));
        Assert.That(badErr, Does.Contain("--halt-threshold").And.Contain("[0.5, 1)"));

        // More ACT steps than the checkpoint's, for one call.
        var (longCode, longOut, longErr) = await Trm("solve", "--checkpoint", checkpoint, "--sudoku", Grid, "--act-steps", "7");
        Assert.That(longCode, Is.EqualTo(0).Or.EqualTo(1), longErr);
        Assert.That(longOut, Does.Contain("ACT steps: 7 of 7 (all steps"));
        var (longEval, longEvalOut, longEvalErr) = await Trm("eval", "--checkpoint", checkpoint, "--data", data, "--act-steps", "7");
        Assert.That(longEval, Is.EqualTo(0), longEvalErr);
        Assert.That(longEvalOut, Does.Match(@"\n  steps\s+7\r?\n"));
        var (zero, _, zeroErr) = await Trm("solve", "--checkpoint", checkpoint, "--sudoku", Grid, "--act-steps", "0");
        Assert.That(zero, Is.EqualTo(2));
        Assert.That(zeroErr, Does.Contain("--act-steps"));
        var (zeroEval, _, zeroEvalErr) = await Trm("eval", "--checkpoint", checkpoint, "--data", data, "--act-steps", "0");
        Assert.That(zeroEval, Is.EqualTo(2));
        Assert.That(zeroEvalErr, Does.Contain("eval_halt_max_steps"));

        var (badSteps, _, badStepsErr) = await Trm("quickstart", "--data", data, "--checkpoints", checkpoints, "--eval-act-steps", "0");
        Assert.That(badSteps, Is.EqualTo(2));
        Assert.That(badStepsErr, Does.Contain("--eval-act-steps"));

        // A second quickstart reuses the dataset and evaluates with more ACT steps than it trains with.
        var (again, againOut, _) = await Trm("quickstart", "--data", data, "--checkpoints", checkpoints, "--steps", "2", "--train-puzzles", "48", "--test-puzzles", "8", "--clues", "60", "--eval-act-steps", "6");
        Assert.That(again, Is.EqualTo(0));
        Assert.That(againOut, Does.Contain("ACT steps: 6 of 6"));
        Assert.That(againOut, Does.Contain("1/4 reusing the dataset"));

        // Overrides in trm train's style change the quickstart's configuration (the schedule follows the batch size).
        var (tuned, tunedOut, tunedErr) = await Trm("quickstart", "--data", data, "--checkpoints", checkpoints, "--run", "tuned", "--steps", "3", "--train-puzzles", "48", "--test-puzzles", "8", "--clues", "60",
            "arch.H_cycles=3", "global_batch_size=8", "ema=true", "arch.eval_halt_max_steps=5");
        Assert.That(tuned, Is.EqualTo(0), tunedErr);
        Assert.That(tunedOut, Does.Contain("H_cycles 3").And.Contain("batch 8").And.Contain("ACT steps: 5 of 5"));
        using (var trainer = JsonDocument.Parse(File.ReadAllText(Path.Combine(checkpoints, "tuned", "step_3", "trainer.json"))))
        {
            var saved = trainer.RootElement;
            Assert.That(saved.GetProperty("total_steps").GetInt64(), Is.EqualTo(6), "one epoch of 48 puzzles in batches of 8");
            Assert.That(saved.GetProperty("config").GetProperty("ema").GetBoolean(), Is.True);
            Assert.That(saved.GetProperty("config").GetProperty("arch").GetProperty("H_cycles").GetInt32(), Is.EqualTo(3));
        }
        var (owned, _, ownedErr) = await Trm("quickstart", "--data", data, "--checkpoints", checkpoints, "data_paths=[elsewhere]");
        Assert.That(owned, Is.EqualTo(2));
        Assert.That(ownedErr, Does.Contain("data_paths=[elsewhere]").And.Contain("--data"));
        var (ownedSeed, _, ownedSeedErr) = await Trm("quickstart", "--data", data, "--checkpoints", checkpoints, "++seed=3");
        Assert.That(ownedSeed, Is.EqualTo(2));
        Assert.That(ownedSeedErr, Does.Contain("++seed=3").And.Contain("--seed"), "the key as the loader reads it (++ prefix)");
        var (invalid, _, invalidErr) = await Trm("quickstart", "--data", data, "--checkpoints", checkpoints, "arch.H_cycles=0");
        Assert.That(invalid, Is.EqualTo(2));
        Assert.That(invalidErr, Does.Contain("H_cycles"));
    }
}
