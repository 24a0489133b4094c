using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Trm.Core.IO;
using Trm.Model.Checkpoints;
using Trm.Torch;
using Trm.Training.Checkpoints;
using Trm.Training.Configuration;
using Trm.Training.Metrics;

namespace Trm.Training.Tests.Training;

/// <summary>
/// The run folder against a careless user and a killed run: one trainer at a time (<c>run.lock</c>), stale locks taken
/// over, checkpoint retention, a torn last metrics line, and leftovers of killed atomic writes.
/// </summary>
public sealed class RunFolderHardeningTests
{
    private string _root = "";

    [SetUp]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), $"trm-harden-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_root);
        Engine.SetNumThreads(2);
    }

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    /// <summary>The pid of a process that has exited.</summary>
    private static int DeadPid()
    {
        using var p = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        p.WaitForExit();
        return p.Id;
    }

    private static void WriteLock(string folder, int pid, string host, DateTimeOffset started)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, DirectoryLock.DefaultFileName), JsonSerializer.Serialize(new DirectoryLockOwner(pid, host, started)));
    }

    [Test]
    public void ASecondTrainerOnTheSameRunFolderIsRefusedWithTheHoldersPid()
    {
        var data = TinySudoku.Build(Path.Combine(_root, "data"), train: 4, test: 2, clues: 40);
        var runFolder = Path.Combine(_root, "ckpt");
        var config = TinySudoku.Config(data, runFolder, epochs: 1) with { MaxSteps = 1 };
        using (var first = Trainer.CreateBuilder().WithConfig(config).Build())
        {
            var lockFile = Path.Combine(runFolder, "run.lock");
            var owner = JsonSerializer.Deserialize<DirectoryLockOwner>(File.ReadAllText(lockFile))!;
            Assert.That(owner.Pid, Is.EqualTo(Environment.ProcessId));
            Assert.That(owner.Host, Is.EqualTo(Environment.MachineName));

            var e = Assert.Throws<DirectoryLockedException>(() => Trainer.CreateBuilder().WithConfig(config).Build())!;
            Assert.That(e.Message, Does.Contain($"in use by pid {Environment.ProcessId} on host {Environment.MachineName}").And.Contain(lockFile));
            Assert.That(e.Owner, Is.EqualTo(owner));
            Assert.That(() => Trainer.CreateBuilder().WithConfig(config).WithResume().Build(), Throws.TypeOf<DirectoryLockedException>(), "resuming is refused too");
            Assert.That(File.Exists(lockFile), Is.True, "the refused trainer leaves the holder's lock alone");
            first.Run();
        }
        Assert.That(File.Exists(Path.Combine(runFolder, "run.lock")), Is.False, "disposing the trainer releases the lock");
        using var resumed = Trainer.CreateBuilder().WithConfig(config with { MaxSteps = 2 }).WithResume().Build();
        Assert.That(resumed.Step, Is.EqualTo(1));
    }

    [Test]
    public void AFailedBuildReleasesTheLock()
    {
        var runFolder = Path.Combine(_root, "ckpt");
        var config = TinySudoku.Config(Path.Combine(_root, "missing-data"), runFolder, epochs: 1);
        Assert.That(() => Trainer.CreateBuilder().WithConfig(config).Build(), Throws.InstanceOf<Trm.Data.TrmDataException>());
        Assert.That(File.Exists(Path.Combine(runFolder, "run.lock")), Is.False);
    }

    [Test]
    public void AStaleLockOfADeadProcessIsTakenOverWithAWarning()
    {
        var runFolder = Path.Combine(_root, "run");
        var dead = DeadPid();
        WriteLock(runFolder, dead, Environment.MachineName, DateTimeOffset.UtcNow.AddMinutes(-5));
        var logger = new CapturingLogger();
        using (var runLock = RunFolder.Acquire(runFolder, null, logger))
        {
            Assert.That(runLock.Owner.Pid, Is.EqualTo(Environment.ProcessId));
            Assert.That(logger.Warnings.Single(), Does.Contain($"from pid {dead} on host {Environment.MachineName}").And.Contain("no longer running"));
        }
        // A live pid whose process started after the lock was written (pid reuse): stale too. pid 1 started at boot.
        WriteLock(runFolder, 1, Environment.MachineName, new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using (var runLock = DirectoryLock.Acquire(runFolder))
        {
            Assert.That(runLock.Owner.Pid, Is.EqualTo(Environment.ProcessId));
        }
    }

    [Test]
    public void ALockOfALiveProcessOrAnotherHostIsNeverTakenOver()
    {
        var runFolder = Path.Combine(_root, "run");
        WriteLock(runFolder, 1, Environment.MachineName, DateTimeOffset.UtcNow);
        var live = Assert.Throws<DirectoryLockedException>(() => DirectoryLock.Acquire(runFolder))!;
        Assert.That(live.Message, Does.Contain($"in use by pid 1 on host {Environment.MachineName}"));

        var dead = DeadPid();
        WriteLock(runFolder, dead, "other-host", DateTimeOffset.UtcNow.AddDays(-1));
        var remote = Assert.Throws<DirectoryLockedException>(() => DirectoryLock.Acquire(runFolder))!;
        Assert.That(remote.Message, Does.Contain($"pid {dead} on host other-host").And.Contain("delete the lock file if no process on other-host uses it"));
        Assert.That(JsonSerializer.Deserialize<DirectoryLockOwner>(File.ReadAllText(Path.Combine(runFolder, "run.lock")))!.Host, Is.EqualTo("other-host"));
    }

    [Test]
    public void RetentionKeepsTheNewestCompleteCheckpointsAndTheProtectedOne()
    {
        var run = Path.Combine(_root, "run");
        foreach (var step in new[] { 1, 2, 3, 4, 5, 10 })
        {
            var dir = Directory.CreateDirectory(Path.Combine(run, $"step_{step}")).FullName;
            File.WriteAllText(Path.Combine(dir, TrmCheckpoint.ManifestFile), "{}");
        }
        Directory.CreateDirectory(Path.Combine(run, "step_12")); // incomplete: no manifest, neither counted nor deleted
        Directory.CreateDirectory(Path.Combine(run, "step_x"));
        var deleted = CheckpointRetention.Prune(run, keepLast: 2, protect: [Path.Combine(run, "step_2"), null], NullLogger.Instance);
        Assert.That(deleted.Select(Path.GetFileName), Is.EqualTo(new[] { "step_1", "step_3", "step_4" }));
        Assert.That(Directory.GetDirectories(run).Select(Path.GetFileName).Order(), Is.EqualTo(new[] { "step_10", "step_12", "step_2", "step_5", "step_x" }));
    }

    [Test]
    public void TheBestCheckpointByEvaluationIsTheHighestExactAccuracyThatStillExists()
    {
        var run = Path.Combine(_root, "run");
        foreach (var step in new[] { 2, 4, 5, 6 })
        {
            var dir = Directory.CreateDirectory(Path.Combine(run, $"step_{step}")).FullName;
            File.WriteAllText(Path.Combine(dir, TrmCheckpoint.ManifestFile), "{}");
        }
        var metrics = Path.Combine(run, "metrics.jsonl");
        File.WriteAllLines(metrics, new[]
        {
            "{\"step\":1,\"split\":\"eval\",\"exact_accuracy\":0.9}", // the best, but its checkpoint is gone
            "{\"step\":2,\"split\":\"eval\",\"exact_accuracy\":0.5}",
            "{\"step\":2,\"split\":\"train\",\"exact_accuracy\":0.99}", // training records do not count
            "{\"step\":4,\"split\":\"eval\",\"exact_accuracy\":0.3}",
            "{\"step\":5,\"split\":\"eval\",\"exact_accuracy\":0.5}", // ties with step 2: the later wins
            "{\"step\":6,\"split\":\"eval\",\"exact_accuracy\":null}",
        });
        var best = CheckpointRetention.BestByEvaluation(run, metrics);
        Assert.That(best, Is.EqualTo(Path.Combine(run, "step_5")));
        Assert.That(CheckpointRetention.BestByEvaluation(run, null), Is.Null);

        CheckpointRetention.Prune(run, keepLast: 1, protect: [best], NullLogger.Instance);
        Assert.That(Directory.GetDirectories(run).Select(Path.GetFileName).Order(), Is.EqualTo(new[] { "step_5", "step_6" }));
    }

    [Test]
    public void KeepLastCheckpointsPrunesDuringTrainingAndKeepsTheResumedOne()
    {
        var data = TinySudoku.Build(Path.Combine(_root, "data"), train: 8, test: 2, clues: 40);
        var runFolder = Path.Combine(_root, "ckpt");
        var config = TinySudoku.Config(data, runFolder, epochs: 4) with { MaxSteps = 5, CheckpointEverySteps = 1, KeepLastCheckpoints = 2 };
        TinySudoku.Train(config);
        Assert.That(Directory.GetDirectories(runFolder).Select(Path.GetFileName).Order(), Is.EqualTo(new[] { "step_4", "step_5" }));

        // Resume from step_5 keeping 1: step_5 (resumed from) survives the pruning, the others go.
        using (var trainer = Trainer.CreateBuilder().WithConfig(config with { MaxSteps = 7, KeepLastCheckpoints = 1 }).WithResume().Build())
        {
            trainer.Run();
        }
        Assert.That(Directory.GetDirectories(runFolder).Select(Path.GetFileName).Order(), Is.EqualTo(new[] { "step_5", "step_7" }));
        Assert.That(() => (config with { KeepLastCheckpoints = 0 }).Validate(), Throws.TypeOf<Trm.Model.Configuration.TrmConfigException>().With.Message.Contains("keep_last_checkpoints"));
    }

    [Test]
    public void ResumeCutsATornLastMetricsLineWithAWarning()
    {
        var data = TinySudoku.Build(Path.Combine(_root, "data"), train: 8, test: 2, clues: 40);
        var runFolder = Path.Combine(_root, "ckpt");
        var config = TinySudoku.Config(data, runFolder, epochs: 4) with { MaxSteps = 3, CheckpointEverySteps = 1 };
        TinySudoku.Train(config);
        var metrics = Path.Combine(runFolder, "metrics.jsonl");
        File.AppendAllText(metrics, "{\"step\":4,\"split\":\"tr"); // killed mid-line
        var logger = new CapturingLogger();
        using (var trainer = Trainer.CreateBuilder().WithConfig(config with { MaxSteps = 5 }).WithResume().WithLogger(logger).Build())
        {
            trainer.Run();
        }
        Assert.That(logger.Warnings, Has.One.Contains("metrics.jsonl: removed a torn last line").And.Contains("{\"step\":4,\"split\":\"tr"));
        var records = MetricsJsonlWriter.Read(metrics, out var torn);
        Assert.That(torn, Is.Null);
        Assert.That(records.Where(r => r.Split == "train").Select(r => r.Step), Is.EqualTo(new long[] { 1, 2, 3, 4, 5 }));
    }

    [Test]
    public void LeftoversOfKilledWritesAreRemovedAtStartOnlyWhenTheirProcessIsGone()
    {
        var run = Directory.CreateDirectory(Path.Combine(_root, "run")).FullName;
        var dead = DeadPid();
        var me = Environment.ProcessId;
        string Dir(string name)
        {
            var path = Directory.CreateDirectory(Path.Combine(run, name)).FullName;
            File.WriteAllText(Path.Combine(path, "model.safetensors"), "x");
            return path;
        }
        string FileAt(string name)
        {
            var path = Path.Combine(run, name);
            File.WriteAllText(path, "x");
            return path;
        }
        var guid = Guid.NewGuid().ToString("N");
        var deadStaging = Dir($".step_6.{dead}.{guid}.tmp");
        var deadOld = Dir($".step_3.{dead}.{guid}.tmp.old"); // a swap cut between its renames: step_3 is put back
        var deadOldOfPresent = Dir($".step_4.{dead}.{guid}.tmp.old");
        Dir("step_4");
        var liveStaging = Dir($".step_8.{me}.{guid}.tmp");
        var deadTemp = FileAt($"metrics.jsonl.tmp-{dead}-{guid}");
        var liveTemp = FileAt($"trainer.json.tmp-{me}-{guid}");
        var foreign = new[] { Dir(".cache.tmp"), Dir($".step_9.{dead}.tmp"), FileAt("notes.tmp-12"), FileAt($"x.tmp-{dead}-short") };

        var logger = new CapturingLogger();
        using (RunFolder.Acquire(run, Path.Combine(run, "metrics.jsonl"), logger))
        {
        }
        Assert.That(Directory.Exists(deadStaging), Is.False);
        Assert.That(Directory.Exists(deadOld), Is.False);
        Assert.That(File.Exists(Path.Combine(run, "step_3", "model.safetensors")), Is.True, "the set-aside step_3 is restored");
        Assert.That(Directory.Exists(deadOldOfPresent), Is.False);
        Assert.That(File.Exists(deadTemp), Is.False);
        Assert.That(Directory.Exists(liveStaging) && File.Exists(liveTemp), Is.True, "this (live) process's own writes are left alone");
        Assert.That(foreign.All(p => Directory.Exists(p) || File.Exists(p)), Is.True, "names our writers do not make are left alone");
        Assert.That(logger.Warnings.Count(), Is.EqualTo(4));
    }
}
