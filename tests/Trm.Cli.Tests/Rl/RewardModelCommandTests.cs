using Trm.Rl.RewardModel;
using Trm.Tokenization;

namespace Trm.Cli.Tests.Rl;

/// <summary><c>trm rl train-rm</c> on a synthetic Open-Assistant tree file with a learnable preference, with a tiny fresh trunk.</summary>
[TestFixture]
public sealed class RewardModelCommandTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("trm-cli-rm-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void TrainsOnSyntheticTreesAndWritesALoadableCheckpoint()
    {
        var trees = Path.Combine(_dir, "trees.jsonl");
        SyntheticPreferenceTrees.Write(trees, trees: 160, seed: 5);
        var vocab = Path.Combine(_dir, "vocab.json");
        CharTokenizer.Build("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,!?'").Save(vocab);
        var run = Path.Combine(_dir, "rm");
        var result = CliRunner.Run("rl", "train-rm", "--data", trees, "--out", run, "--tokenizer", "char:" + vocab, "--hidden-size", "32", "--layers", "2",
            "--heads", "2", "--max-length", "96", "--lr", "3e-3", "--batch", "8", "--grad-accum", "1", "--warmup", "2", "--val-fraction", "0.25", "--seed", "1");
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Output, Does.Contain("data: 120 training prompts"));
        var line = result.Output.Split('\n').Single(l => l.StartsWith("held-out accuracy", StringComparison.Ordinal));
        var parts = line.Split(' ');
        var before = double.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
        var after = double.Parse(parts[4], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(after, Is.GreaterThan(before));
        var metrics = Trm.Training.Metrics.MetricsJsonlWriter.Read(Path.Combine(run, "metrics.jsonl"));
        Assert.That(metrics, Has.Count.EqualTo(3), "before training and after each of the 2 epochs (readable by trm plot)");
        Assert.That((metrics[0]["accuracy"], metrics[^1]["accuracy"]), Is.EqualTo((before, after)).Within(0.0005));
        using var model = TrmRewardModel.Load(run);
        var scores = model.Score([Trm.Tokenization.Chat.ChatMessage.User("Tell me about the sea.")], ["It is good kind nice warm fair calm.", "It is bad rude dull cold grim mean."]);
        Assert.That(scores[0], Is.GreaterThan(scores[1]), "the trained model prefers the kind reply");
    }

    [Test]
    public void FileWithoutRankedRepliesIsAnError()
    {
        var path = Path.Combine(_dir, "empty.jsonl");
        File.WriteAllText(path, "{\"message_tree_id\":\"t\",\"tree_state\":\"ready_for_export\",\"prompt\":{\"message_id\":\"p\",\"role\":\"prompter\",\"text\":\"hi\",\"lang\":\"en\"}}\n");
        var result = CliRunner.Run("rl", "train-rm", "--data", path, "--out", Path.Combine(_dir, "rm"));
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("no prompt with two or more ranked replies"));
    }
}
