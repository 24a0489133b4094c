using Trm.Inference.Tests.Generation;
using Trm.Model;
using Trm.Model.Checkpoints;
using Trm.Tokenization;
using Trm.Tokenization.Chat;
using Trm.Torch;
using Trm.Torch.Serialization;

namespace Trm.Cli.Tests.Rl;

/// <summary><c>trm eval-chat</c> on tiny checkpoints: the overfit chat model for pass@k, an untrained one for multiple choice.</summary>
[TestFixture]
public sealed class EvalChatCommandTests
{
    private string _dir = "";
    private string _chat = "";

    [OneTimeSetUp]
    public void TrainOnce()
    {
        _dir = Directory.CreateTempSubdirectory("trm-cli-evalchat-").FullName;
        _chat = TinyChatModel.WriteCheckpoint(Path.Combine(_dir, "chat"));
    }

    [OneTimeTearDown]
    public void CleanUp() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void Gsm8kStylePassAtKCountsTheProblemTheModelKnows()
    {
        // The model replies "hello, friend!" to "hi there": the first problem is solved, the second is not.
        var data = Path.Combine(_dir, "gsm.jsonl");
        File.WriteAllText(data, $"{{\"question\":\"{TinyChatModel.User}\",\"answer\":\"#### {TinyChatModel.Assistant}\"}}\n{{\"question\":\"{TinyChatModel.User}\",\"answer\":\"#### fine.\"}}\n");
        var json = Path.Combine(_dir, "out.json");
        var result = CliRunner.Run("eval-chat", "--task", "gsm8k", "--data", data, "--checkpoint", _chat, "-n", "2", "-t", "0", "-m", "20", "--output", json);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Output, Does.Contain("gsm8k: 2 problems"));
        Assert.That(result.Output, Does.Contain("pass@1     0.5000"));
        Assert.That(result.Output, Does.Contain("pass@2     0.5000"));
        Assert.That(File.ReadAllText(json), Does.Contain("\"pass@1\":0.5"));
    }

    [Test]
    public void MultipleChoiceReportsAccuracyAndChance()
    {
        var tokenizer = CharTokenizer.Build("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz ?.:=-\n");
        var template = ChatTemplate.Create(tokenizer);
        var config = TinyChatModel.Config(template.Tokenizer.VocabSize, recursive: false) with { SeqLen = 160 };
        using var model = new TrmModel(config, new Generator(3));
        var folder = Path.Combine(_dir, "mc", "step_1");
        TrmCheckpoint.Write(folder, 1, temp =>
        {
            SafeTensors.Save(Path.Combine(temp, TrmCheckpoint.ModelFile), model.StateDict(),
                new Dictionary<string, string> { [TrmCheckpoint.ConfigMetadataKey] = config.ToReferenceJson(), ["tokenizer"] = "char:vocab.json" });
            tokenizer.Save(Path.Combine(temp, "vocab.json"));
        });
        var data = Path.Combine(_dir, "mc.jsonl");
        File.WriteAllText(data, "{\"question\":\"is it a cat?\",\"choices\":[\"yes\",\"no\"],\"answer\":0}\n{\"question\":\"and a dog?\",\"choices\":[\"yes\",\"no\"],\"answerKey\":\"B\"}\n");
        var result = CliRunner.Run("eval-chat", "--task", "arc-easy", "--data", data, "--checkpoint", folder);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Output, Does.Contain("arc-easy: 2 problems"));
        Assert.That(result.Output, Does.Contain("chance     0.5000"));
        Assert.That(result.Output, Does.Match(@"accuracy   (0|0\.5|1)\.?[0-9]*"));
    }

    [Test]
    public void UnknownTaskIsAnError()
    {
        var result = CliRunner.Run("eval-chat", "--task", "humaneval", "--data", "x", "--checkpoint", _chat);
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("unknown --task 'humaneval'"));
    }
}
