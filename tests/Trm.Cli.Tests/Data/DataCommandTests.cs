using System.Security.Cryptography;
using System.Text;
using Trm.Data.Chat;
using Trm.Data.Tests.Support;
using Trm.Data.TokenStream;

namespace Trm.Cli.Tests.Data;

public class DataCommandTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "trm-cli-data-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Test]
    public void ListShowsTheKnownDatasets()
    {
        var result = CliRunner.Run("data", "list");
        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Output, Does.Contain("alpaca ").And.Contain("dolly ").And.Contain("oasst1 "));
        Assert.That(result.Output, Does.Contain("https://huggingface.co/datasets/databricks/databricks-dolly-15k/resolve/bdd27f4d94b9c1f951818a7da7fd7aeea5dbff1a/databricks-dolly-15k.jsonl"));
        Assert.That(CliRunner.Run("data", "download", "--list").Output, Is.EqualTo(result.Output));
    }

    [Test]
    public void DownloadFromAMirrorResumesAfterADrop()
    {
        using var server = new LocalHttpServer();
        var content = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 5000).Select(i => $$"""{"instruction": "q{{i}}", "output": "a{{i}}"}""" + "\n")));
        server.Add("alpaca_data.json", new LocalHttpServer.Route { Content = content, DropAfterBytes = 40_000, DropTimes = 1 });
        var output = Path.Combine(_dir, "raw");

        var result = CliRunner.Run("data", "download", "--dataset", "alpaca", "--output-dir", output, "--mirror", server.BaseUri.ToString());

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(File.ReadAllBytes(Path.Combine(output, "alpaca_data.json")), Is.EqualTo(content));
        Assert.That(result.Output, Does.Contain($"sha256 {Convert.ToHexStringLower(SHA256.HashData(content))}, resumed"));
        var again = CliRunner.Run("data", "download", "-d", "alpaca", "-o", output, "--mirror", server.BaseUri.ToString());
        Assert.That(again.Output, Does.Contain("alpaca: already present and verified"));
    }

    [Test]
    public void DownloadOfAMissingFileFailsWithA404()
    {
        using var server = new LocalHttpServer();
        var result = CliRunner.Run("data", "download", "-d", "dolly", "-o", _dir, "--mirror", server.BaseUri.ToString());
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Is.EqualTo($"error: HTTP 404 Not Found from {server.BaseUri}databricks-dolly-15k.jsonl\n"));
    }

    [Test]
    public void BuildChatThenInspect()
    {
        var input = Write("dolly.jsonl", string.Join("\n", Enumerable.Range(0, 40).Select(i =>
            $$"""{"instruction": "What is {{i}} + {{i}}?", "context": "", "response": "{{2 * i}}", "category": "math"}""")));
        var output = Path.Combine(_dir, "chat");

        var build = CliRunner.Run("data", "build-chat", "--input-file", input, "--output-dir", output, "--format", "dolly", "--tokenizer", "gpt2",
            "--max-length", "64", "--train-split", "0.9", "--subsample-size", "30", "--seed", "3");

        Assert.That(build.ExitCode, Is.EqualTo(0), build.Error);
        Assert.That(build.Output, Does.Contain("train 27 examples"));
        Assert.That(build.Output, Does.Contain("val 3 examples"));
        var info = ChatDatasetInfo.Load(output);
        Assert.That(info.Counts.SubsampledOut, Is.EqualTo(10));
        Assert.That(info.SourceFormat, Is.EqualTo("dolly"));

        var again = CliRunner.Run("data", "build-chat", "--input-file", input, "--output-dir", output, "--format", "dolly", "--max-length", "64",
            "--train-split", "0.9", "--subsample-size", "30", "--seed", "3");
        Assert.That(again.Output, Does.Contain("up to date"));

        var inspect = CliRunner.Run("data", "inspect", output);
        Assert.That(inspect.ExitCode, Is.EqualTo(0), inspect.Error);
        Assert.That(inspect.Output, Does.StartWith($"chat dataset {output}\n"));
        Assert.That(inspect.Output, Does.Match(@"<\|user\|>What is \d+ \+ \d+\?<\|end\|><\|assistant\|>\[\d+<\|end\|>\]"));
    }

    [Test]
    public void BuildChatReportsMalformedRecordsOrSkipsThem()
    {
        var input = Write("a.jsonl", """
            {"instruction": "a", "output": "b"}
            {"instruction": "a"}
            {"instruction": "c", "output": "d"}
            """);
        var failed = CliRunner.Run("data", "build-chat", "-i", input, "-o", Path.Combine(_dir, "x"));
        Assert.That(failed.ExitCode, Is.EqualTo(1));
        Assert.That(failed.Error, Is.EqualTo($"error: {input}:2: field 'output': is missing\n"));

        var skipped = CliRunner.Run("data", "build-chat", "-i", input, "-o", Path.Combine(_dir, "y"), "--on-malformed", "skip", "--train-split", "1");
        Assert.That(skipped.ExitCode, Is.EqualTo(0), skipped.Error);
        Assert.That(skipped.Output, Does.Contain($"skipped {input}:2: field 'output': is missing"));
        Assert.That(skipped.Output, Does.Contain("skipped 1 malformed"));
    }

    [Test]
    public void PrepareTextThenInspect()
    {
        var input = Write("input.txt", "hello world\nthe quick brown fox\n");
        var output = Path.Combine(_dir, "text");
        var prepare = CliRunner.Run("data", "prepare-text", "--input", input, "--tokenizer", "char", "--val-fraction", "0.25", "--output-dir", output);
        Assert.That(prepare.ExitCode, Is.EqualTo(0), prepare.Error);
        Assert.That(prepare.Output, Does.Contain("train.bin 24 tokens, val.bin 8 tokens"));
        var meta = TokenStreamMeta.Load(output);
        Assert.That(meta.VocabSize, Is.EqualTo(19));

        var inspect = CliRunner.Run("data", "inspect", output);
        Assert.That(inspect.Output, Is.EqualTo($"nanoGPT token streams {output}\ntokenizer char, vocab_size 19, dtype uint16\ntrain.bin 24 tokens, val.bin 8 tokens\ntrain starts: hello world⏎the quick br\n"));
    }

    [Test]
    public void InspectOfAnUnknownFolderFails()
    {
        var result = CliRunner.Run("data", "inspect", _dir);
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.StartWith($"error: {_dir}: not a dataset folder this tool knows (layouts: chat, nanogpt"));
    }
}
