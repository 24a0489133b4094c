using Trm.Model.Checkpoints;
using Trm.Torch;
using Trm.Training.Configuration;

namespace Trm.Training.Tests.Training;

public sealed class RunFolderTests
{
    private string _root = "";

    [SetUp]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), $"trm-runfolder-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_root);
        Engine.SetNumThreads(2);
    }

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Test]
    public void AnExistingRunIsRefusedUnlessResumedAndMetricsAreNeverDuplicated()
    {
        var data = TinySudoku.Build(Path.Combine(_root, "data"), train: 8, test: 2, clues: 40);
        var runFolder = Path.Combine(_root, "ckpt");
        var config = TinySudoku.Config(data, runFolder, epochs: 4) with { MaxSteps = 3, CheckpointEverySteps = 1 };
        using (var first = Trainer.CreateBuilder().WithConfig(config).Build())
        {
            first.Run();
        }
        var checkpoints = Directory.GetDirectories(runFolder, "step_*").Select(Path.GetFileName).Order().ToArray();
        var stamps = checkpoints.ToDictionary(c => c!, c => File.GetLastWriteTimeUtc(Path.Combine(runFolder, c!, TrmCheckpoint.ManifestFile)));

        // Same run name again without resume: refused, nothing touched.
        var e = Assert.Throws<TrmCheckpointException>(() => Trainer.CreateBuilder().WithConfig(config).Build())!;
        Assert.That(e.Message, Does.Contain("already exists").And.Contain("--resume").And.Contain("+run_name"));
        foreach (var (name, stamp) in stamps)
        {
            Assert.That(File.GetLastWriteTimeUtc(Path.Combine(runFolder, name, TrmCheckpoint.ManifestFile)), Is.EqualTo(stamp), $"{name} untouched");
        }

        // Resumed: continues from step 3 to step 5; each step appears once in metrics.jsonl.
        using (var resumed = Trainer.CreateBuilder().WithConfig(config with { MaxSteps = 5 }).WithResume().Build())
        {
            Assert.That(resumed.Step, Is.EqualTo(3));
            Assert.That(resumed.Run().Steps, Is.EqualTo(5));
        }
        var trainSteps = File.ReadAllLines(Path.Combine(runFolder, "metrics.jsonl"))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Where(r => r.GetProperty("split").GetString() == "train")
            .Select(r => r.GetProperty("step").GetInt64())
            .ToArray();
        Assert.That(trainSteps, Is.EqualTo(new long[] { 1, 2, 3, 4, 5 }));

        // Resume with nothing to resume is an error that says so.
        var empty = TinySudoku.Config(data, Path.Combine(_root, "empty"), epochs: 4);
        Assert.That(() => Trainer.CreateBuilder().WithConfig(empty).WithResume().Build(),
            Throws.TypeOf<TrmCheckpointException>().With.Message.Contains("nothing to resume"));
    }
}
