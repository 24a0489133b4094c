using System.Text.Json;
using Trm.Data.Sft;
using Trm.Data.Sft.Tasks;
using Trm.Rl.RejectionSampling;
using Trm.Rl.Tests.Support;

namespace Trm.Rl.Tests.RejectionSampling;

public class RejectionSamplerTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "trm-rs-" + Guid.NewGuid().ToString("N"))).FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static RejectionSamplingOptions TopOne => new()
    {
        SamplesPerPrompt = 4, MaxNewTokens = 4, Selection = RejectionSelection.TopR, TopR = 1, MaxPerPrompt = 1, Seed = 11, Checkpoint = "toy/step_0",
    };

    private static List<JsonElement> Lines(string path) =>
        File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    [Test]
    public void ResumedRunSkipsFinishedProblemsAndWritesNoDuplicate()
    {
        var tokenizer = ToyPolicy.Tokenizer();
        using var model = ToyPolicy.Model(tokenizer);
        var task = new ToyPolicy.SayXTask(6);
        var output = Path.Combine(_dir, "rs.jsonl");
        using (var sampler = new RejectionSampler(model, tokenizer, TopOne))
        {
            var first = sampler.Run([task], output, maxProblemsPerTask: 3);
            Assert.That((first.Problems, first.Resumed, first.Samples, first.Written), Is.EqualTo((3, 0, 12, 3)));
        }
        var firstLines = File.ReadAllLines(output);

        // A crash after problem 4's line reached the file but before its progress did, then a torn half line.
        File.AppendAllText(output, firstLines[0].Replace("sayx:0", "sayx:3", StringComparison.Ordinal) + "\n{\"messages\":[{\"ro");

        using (var sampler = new RejectionSampler(model, tokenizer, TopOne))
        {
            var second = sampler.Run([task], output);
            Assert.That((second.Problems, second.Resumed, second.Written), Is.EqualTo((3, 3, 3)));
        }
        var lines = Lines(output);
        Assert.That(lines.Select(l => l.GetProperty("provenance").GetProperty("problem_id").GetString()),
            Is.EqualTo(Enumerable.Range(0, 6).Select(i => $"sayx:{i}")));
        Assert.That(File.ReadAllLines(output)[..3], Is.EqualTo(firstLines));

        // A third run has nothing left to do.
        using (var sampler = new RejectionSampler(model, tokenizer, TopOne))
        {
            Assert.That(sampler.Run([task], output).Written, Is.EqualTo(0));
        }
        Assert.That(File.ReadAllLines(output), Has.Length.EqualTo(6));
    }

    [Test]
    public void ResumedRunDrawsWhatAnUninterruptedRunDraws()
    {
        var tokenizer = ToyPolicy.Tokenizer();
        using var model = ToyPolicy.Model(tokenizer);
        var task = new ToyPolicy.SayXTask(4);
        var whole = Path.Combine(_dir, "whole.jsonl");
        var parts = Path.Combine(_dir, "parts.jsonl");
        using var sampler = new RejectionSampler(model, tokenizer, TopOne);
        sampler.Run([task], whole);
        sampler.Run([task], parts, maxProblemsPerTask: 2);
        sampler.Run([task], parts);
        Assert.That(File.ReadAllText(parts), Is.EqualTo(File.ReadAllText(whole)));
    }

    [Test]
    public void RecordsCarryProvenanceAndTheRsSftRecipeReadsThem()
    {
        var tokenizer = ToyPolicy.Tokenizer();
        using var model = ToyPolicy.Model(tokenizer);
        var output = Path.Combine(_dir, "rs.jsonl");
        using (var sampler = new RejectionSampler(model, tokenizer, TopOne with { TopR = 2, MaxPerPrompt = 2, DistinctReplies = false }))
        {
            sampler.Run([new ToyPolicy.SayXTask(3)], output);
        }
        var lines = Lines(output);
        Assert.That(lines, Has.Count.EqualTo(6));
        var first = lines[0];
        var provenance = first.GetProperty("provenance");
        Assert.That(provenance.GetProperty("task").GetString(), Is.EqualTo("sayx"));
        Assert.That(provenance.GetProperty("checkpoint").GetString(), Is.EqualTo("toy/step_0"));
        Assert.That(provenance.GetProperty("seed").GetInt64(), Is.EqualTo(RejectionSampler.ProblemSeed(11, "sayx:0")));
        Assert.That(provenance.GetProperty("sample_index").GetInt32(), Is.InRange(0, 3));
        Assert.That(provenance.GetProperty("reward").GetDouble(), Is.GreaterThanOrEqualTo(lines[1].GetProperty("provenance").GetProperty("reward").GetDouble()));
        Assert.That(first.GetProperty("messages")[0].GetProperty("content").GetString(), Is.EqualTo("say x 0"));

        var chat = Path.Combine(_dir, "chat.jsonl");
        SftMixtureBuilder.WriteConversations(chat, new ReversalTask().Conversations(1, 10, 0));
        var mixture = SftRecipes.Create(SftRecipe.R1RsSft, new SftRecipeInputs { RejectionSampled = [SftSource.FromFile(output)], Chat = [SftSource.FromFile(chat)] }).Mix();
        var rs = mixture.Conversations.Where(c => c.SourceId.StartsWith("rs/", StringComparison.Ordinal)).ToList();
        Assert.That(rs, Has.Count.EqualTo(6));
        Assert.That(rs.Select(c => c.Turns[1].Text).OrderBy(t => t, StringComparer.Ordinal),
            Is.EqualTo(lines.Select(l => l.GetProperty("messages")[1].GetProperty("content").GetString()!.Trim()).OrderBy(t => t, StringComparer.Ordinal)));
    }

    [Test]
    public void AnOutputWithoutProgressIsNotOverwritten()
    {
        var tokenizer = ToyPolicy.Tokenizer();
        using var model = ToyPolicy.Model(tokenizer);
        var output = Path.Combine(_dir, "other.jsonl");
        File.WriteAllText(output, "{\"messages\":[]}\n");
        using var sampler = new RejectionSampler(model, tokenizer, TopOne);
        var e = Assert.Throws<InvalidDataException>(() => sampler.Run([new ToyPolicy.SayXTask(1)], output))!;
        Assert.That(e.Message, Does.Contain("has no progress file"));
        Assert.That(File.ReadAllText(output), Is.EqualTo("{\"messages\":[]}\n"));
    }
}
