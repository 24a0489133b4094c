using System.Runtime.CompilerServices;
using Trm.Data.Chat;
using Trm.Data.Sft;

namespace Trm.Cli.Tests.Sft;

public class SftDataCommandTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "trm-cli-sft-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static string DataFile(string folder, string file, [CallerFilePath] string source = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", "..", "Trm.Data.Tests", "Data", folder, file));

    [Test]
    public void MakeSynthetic_WritesJsonlChatAndADisjointHeldOutSet()
    {
        var path = Path.Combine(_dir, "add.jsonl");
        var result = CliRunner.Run("data", "make-synthetic", "--task", "addition", "-n", "20", "--seed", "3", "--think-fraction", "0.5", "-o", path, "--held-out", "5");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("wrote 20 addition problems (10 with think steps)"));
        Assert.That(File.ReadLines(path).Count(), Is.EqualTo(20));
        Assert.That(File.ReadLines(Path.Combine(_dir, "add.heldout.jsonl")).Count(), Is.EqualTo(5));
        Assert.That(File.ReadLines(path).First(), Does.StartWith("{\"id\":\"addition:3:0\",\"messages\":[{\"role\":\"user\",\"content\":\"What is "));
    }

    [Test]
    public void BuildSft_R1OtMixed_CountsEverySource()
    {
        var output = Path.Combine(_dir, "sft");
        var result = CliRunner.Run("data", "build-sft", "--recipe", "r1_ot_mixed",
            "--source", DataFile("gsm8k", "train-200.jsonl"), "--source", DataFile("alpaca-seed", "seed_tasks.jsonl"),
            "--chat-ratio", "0.3", "--stop", "70", "--seed", "5", "--max-length", "512", "-o", output);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("mixture r1_ot_mixed: 100 examples (30 chat), seed 5"));
        Assert.That(result.Output, Does.Contain("train-200 (reasoning, think): requested 70, taken 70, skipped 0, epochs 1 → 70 examples"));
        Assert.That(result.Output, Does.Contain("seed_tasks (chat, drop): requested 30, taken 30, skipped 0, epochs 1 → 30 examples"));
        var manifest = SftMixtureManifest.Load(output);
        Assert.That((manifest.Recipe, manifest.Examples, manifest.Seed), Is.EqualTo(("r1_ot_mixed", 100L, 5L)));
        using var dataset = ChatDataset.Open(output);
        Assert.That(dataset.Train.Count + dataset.Val.Count, Is.EqualTo(100));
    }

    [Test]
    public void BuildSft_ColdStartWithAChatSource_IsAnError()
    {
        var result = CliRunner.Run("data", "build-sft", "--recipe", "cold_start", "--source", "chat:" + DataFile("alpaca-seed", "seed_tasks.jsonl"), "-o", Path.Combine(_dir, "x"));
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Is.EqualTo("error: recipe 'cold_start' takes no chat source (got seed_tasks)\n"));
    }

    [Test]
    public void BuildChat_Gsm8kWithPlainTraces()
    {
        var output = Path.Combine(_dir, "gsm8k");
        var result = CliRunner.Run("data", "build-chat", "-i", DataFile("gsm8k", "train-200.jsonl"), "--format", "gsm8k", "--reasoning", "plain", "-o", output, "--max-length", "512");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        using var dataset = ChatDataset.Open(output);
        Assert.That(dataset.Info.SourceFormat, Is.EqualTo("gsm8k"));
        Assert.That(dataset.Train.Count + dataset.Val.Count, Is.EqualTo(200));
        Assert.That(Enumerable.Range(0, dataset.Train.Count).Any(i => dataset.Train[i].Ids.Contains(50262)), Is.False); // no think block
    }
}
