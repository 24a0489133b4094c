using Trm.Inference.Tests.Generation;

namespace Trm.Cli.Tests.Generation;

/// <summary><c>trm generate</c> on a tiny chat TRM that has overfit one conversation (trained here with a plain loop).</summary>
[TestFixture]
public sealed class GenerateCommandTests
{
    private string _run = "";
    private string _checkpoint = "";

    [OneTimeSetUp]
    public void TrainOnce()
    {
        _run = Path.Combine(Path.GetTempPath(), $"trm-generate-{Guid.NewGuid():N}");
        _checkpoint = TinyChatModel.WriteCheckpoint(_run);
    }

    [OneTimeTearDown]
    public void CleanUp()
    {
        if (Directory.Exists(_run)) Directory.Delete(_run, recursive: true);
    }

    [Test]
    public void PromptPrintsTheReply()
    {
        var result = CliRunner.Run("generate", "--checkpoint", _checkpoint, "--prompt", TinyChatModel.User, "--temperature", "0", "--max-new-tokens", "40");
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Output, Is.EqualTo(TinyChatModel.Assistant + "\n"));

        var cached = CliRunner.Run("generate", "--checkpoint", _run, "--prompt", TinyChatModel.User, "--seed", "5", "--temperature", "1.2");
        var again = CliRunner.Run("generate", "--checkpoint", _run, "--prompt", TinyChatModel.User, "--seed", "5", "--temperature", "1.2", "--no-cache");
        Assert.That(again.Output, Is.EqualTo(cached.Output), "seeded sampling, with or without the cache");
    }

    [Test]
    public void RawContinuesPlainText()
    {
        // The checkpoint's tokenizer (its characters, no chat tokens): ids the model may give the chat tokens are never drawn.
        var result = CliRunner.Run("generate", "--checkpoint", _checkpoint, "--raw", "--prompt", "hello", "--temperature", "0", "--max-new-tokens", "5");
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Output, Has.Length.EqualTo(6)); // 5 characters and the newline
        Assert.That(result.Output[..5].All(c => (TinyChatModel.User + TinyChatModel.Assistant + TinyChatModel.SecondUser + TinyChatModel.SecondAssistant).Contains(c)));
    }

    [Test]
    public void InteractiveKeepsTheHistoryResetsAndQuits()
    {
        var script = $"{TinyChatModel.User}\n{TinyChatModel.SecondUser}\n/reset\n{TinyChatModel.User}\nquit\nnever read\n";
        var result = CliRunner.RunWithInput(script, "generate", "--checkpoint", _checkpoint, "--interactive", "--temperature", "0");
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        var replies = result.Output.Split('\n').Where(l => l.StartsWith("you> trm> ", StringComparison.Ordinal)).Select(l => l["you> trm> ".Length..]).ToArray();
        Assert.That(replies, Is.EqualTo(new[] { TinyChatModel.Assistant, TinyChatModel.SecondAssistant, TinyChatModel.Assistant }), result.Output);
        Assert.That(result.Output, Does.Contain("(history cleared)"));
    }

    [Test]
    public void MissingPromptAndBadOptionsAreErrors()
    {
        Assert.That(CliRunner.Run("generate", "--checkpoint", _checkpoint).ExitCode, Is.EqualTo(2));
        var bad = CliRunner.Run("generate", "--checkpoint", _checkpoint, "--prompt", "hi", "--top-p", "0");
        Assert.That(bad.ExitCode, Is.EqualTo(2));
        Assert.That(bad.Error, Does.Contain("--top-p"));
        var missing = CliRunner.Run("generate", "--checkpoint", Path.Combine(_run, "nope"), "--prompt", "hi");
        Assert.That(missing.ExitCode, Is.EqualTo(2));
        Assert.That(missing.Error, Does.Contain("not found"));
    }
}
