using System.Text.Json;
using Trm.Model;
using Trm.Rl.Policies;
using Trm.Tokenization;
using Trm.Torch;

namespace Trm.Cli.Tests.Rl;

/// <summary><c>trm rl grpo</c> and <c>trm rl rs-generate</c> on a tiny random chat checkpoint over a character vocabulary.</summary>
[TestFixture]
public sealed class RlCommandsTests
{
    private string _dir = "";
    private string _checkpoint = "";

    [OneTimeSetUp]
    public void WriteCheckpoint()
    {
        _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"trm-rl-cli-{Guid.NewGuid():N}")).FullName;
        var tokenizer = CharTokenizer.Build("abcdefghijklmnopqrstuvwxyzW0123456789 +?'#.,");
        using var model = new TrmModel(TrmConfig.Chat with
        {
            VocabSize = tokenizer.VocabSize + 16,
            SeqLen = 48,
            HiddenSize = 16,
            NumHeads = 2,
            Expansion = 2,
            LLayers = 1,
            HCycles = 1,
            LCycles = 1,
            HaltMaxSteps = 1,
            HaltExplorationProb = 0,
            ForwardDType = DType.Float32,
        }, new Generator(5));
        _checkpoint = PolicyCheckpoint.Save(Path.Combine(_dir, "sft"), 0, model, tokenizer);
    }

    [OneTimeTearDown]
    public void CleanUp() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void GrpoTrainsEvaluatesAndWritesACheckpoint()
    {
        var run = Path.Combine(_dir, "grpo");
        var result = CliRunner.Run("rl", "grpo", "--checkpoint", _checkpoint, "--task", "addition", "--output", run, "--steps", "2", "-g", "2",
            "--prompts-per-step", "2", "--max-new-tokens", "4", "--problems", "20", "--eval-problems", "3", "--preset", "mixed", "--minibatch", "2", "--epochs", "1");
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Output, Does.Contain("step 1: reward ").And.Contain("step 2: reward ").And.Contain("eval step 0: held-out pass@1 ").And.Contain("eval step 2: held-out pass@1 "));
        Assert.That(Directory.Exists(Path.Combine(run, "step_2")), Is.True);
        var lines = File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("split").GetString());
        Assert.That(lines, Is.EqualTo(new[] { "eval", "train", "train", "eval" }));
    }

    [Test]
    public void GrpoRefusesAMixNamingAnUnknownTask()
    {
        var result = CliRunner.Run("rl", "grpo", "--checkpoint", _checkpoint, "--task", "addition", "--mix", "addition:0.5,gsm8k:0.5", "--output", Path.Combine(_dir, "bad"));
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.StartWith("error: task mix 'addition:0.5,gsm8k:0.5': no task named 'gsm8k' (have: addition)"));
    }

    [Test]
    public void GrpoRefusesAnUnknownClipModeAndABadSetting()
    {
        var mode = CliRunner.Run("rl", "grpo", "--checkpoint", _checkpoint, "--task", "addition", "--clip-mode", "soft", "--output", Path.Combine(_dir, "bad"));
        Assert.That((mode.ExitCode, mode.Error.Trim()), Is.EqualTo((2, "error: --clip-mode 'soft': expected none, ppo, truncated")));
        var setting = CliRunner.Run("rl", "grpo", "--checkpoint", _checkpoint, "--task", "addition", "-g", "1", "--output", Path.Combine(_dir, "bad"));
        Assert.That(setting.ExitCode, Is.EqualTo(2));
        Assert.That(setting.Error, Does.StartWith("error: a group needs at least 2 samples (Parameter 'GroupSize')"));
    }

    [Test]
    public void RsGenerateWritesRecordsAndResumes()
    {
        var output = Path.Combine(_dir, "rs.jsonl");
        string[] args = ["rl", "rs-generate", "--checkpoint", _checkpoint, "--task", "addition", "--output", output, "--max-problems", "3", "-k", "2",
            "--select", "top-r", "--top-r", "1", "--max-new-tokens", "4", "--seed", "9"];
        var first = CliRunner.Run(args);
        Assert.That(first.ExitCode, Is.Zero, first.Error);
        Assert.That(first.Output, Does.StartWith("3 problems sampled (0 done before), 6 samples, 3 accepted (50.0%), 3 records written to "));
        var again = CliRunner.Run(args);
        Assert.That(again.Output, Does.StartWith("0 problems sampled (3 done before), 0 samples"));
        var records = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToArray();
        Assert.That(records.Select(r => r.GetProperty("provenance").GetProperty("problem_id").GetString()), Is.EqualTo(new[] { "addition:0:0", "addition:0:1", "addition:0:2" }));
        Assert.That(records[0].GetProperty("provenance").GetProperty("checkpoint").GetString(), Is.EqualTo(_checkpoint));
        Assert.That(records[0].GetProperty("messages")[0].GetProperty("content").GetString(), Does.StartWith("What is "));
    }
}
