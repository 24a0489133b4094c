using Trm.Training.Checkpoints;

namespace Trm.Training.Tests.Checkpoints;

public sealed class CheckpointDirectoryTests
{
    private string _root = "";

    [SetUp]
    public void SetUp() => _root = Path.Combine(Path.GetTempPath(), $"trm-ckpt-{Guid.NewGuid():N}");

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private string WriteSample(long step, string content = "hello")
    {
        var dir = Path.Combine(_root, CheckpointDirectory.StepFolderName(step));
        CheckpointDirectory.Write(dir, step, temp =>
        {
            File.WriteAllText(Path.Combine(temp, "a.txt"), content);
            File.WriteAllBytes(Path.Combine(temp, "b.bin"), [1, 2, 3]);
        });
        return dir;
    }

    [Test]
    public void ManifestListsFilesWithSha256()
    {
        var dir = WriteSample(7);
        var manifest = CheckpointDirectory.Verify(dir);
        Assert.That(manifest.Step, Is.EqualTo(7));
        Assert.That(manifest.Files.Keys, Is.EqualTo(new[] { "a.txt", "b.bin" }));
        // sha256("hello")
        Assert.That(manifest.Files["a.txt"].Sha256, Is.EqualTo("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"));
        Assert.That(manifest.Files["b.bin"].Bytes, Is.EqualTo(3));
        Assert.That(Directory.GetDirectories(_root).Select(Path.GetFileName), Is.EqualTo(new[] { "step_7" }), "no temp folder left behind");
    }

    [Test]
    public void CorruptedFileIsDetected()
    {
        var dir = WriteSample(1);
        File.WriteAllText(Path.Combine(dir, "a.txt"), "jello");
        var e = Assert.Throws<TrmCheckpointException>(() => CheckpointDirectory.Verify(dir))!;
        Assert.That(e.Message, Does.Contain("'a.txt' fails its checksum"));
    }

    [Test]
    public void TruncatedAndMissingFilesAreDetected()
    {
        var dir = WriteSample(1);
        File.WriteAllBytes(Path.Combine(dir, "b.bin"), [1, 2]);
        Assert.That(() => CheckpointDirectory.Verify(dir), Throws.TypeOf<TrmCheckpointException>().With.Message.Contains("'b.bin' has 2 bytes"));
        File.Delete(Path.Combine(dir, "b.bin"));
        Assert.That(() => CheckpointDirectory.Verify(dir), Throws.TypeOf<TrmCheckpointException>().With.Message.Contains("'b.bin' listed in the manifest is missing"));
        File.Delete(Path.Combine(dir, CheckpointDirectory.ManifestFile));
        Assert.That(() => CheckpointDirectory.Verify(dir), Throws.TypeOf<TrmCheckpointException>().With.Message.Contains("no manifest.json"));
    }

    [Test]
    public void FailedWriteLeavesNothingAndRewriteReplaces()
    {
        var dir = Path.Combine(_root, "step_3");
        Assert.Throws<IOException>(() => CheckpointDirectory.Write(dir, 3, temp =>
        {
            File.WriteAllText(Path.Combine(temp, "x"), "partial");
            throw new IOException("disk full");
        }));
        Assert.That(Directory.Exists(dir), Is.False);
        Assert.That(Directory.GetDirectories(_root), Is.Empty);

        WriteSample(3, "first");
        WriteSample(3, "second");
        Assert.That(File.ReadAllText(Path.Combine(dir, "a.txt")), Is.EqualTo("second"));
        CheckpointDirectory.Verify(dir);
    }

    [Test]
    public void FindLatestPicksHighestCompleteStep()
    {
        WriteSample(5);
        WriteSample(20);
        WriteSample(100);
        File.Delete(Path.Combine(_root, "step_100", CheckpointDirectory.ManifestFile));
        Directory.CreateDirectory(Path.Combine(_root, "step_x"));
        Assert.That(Path.GetFileName(CheckpointDirectory.FindLatest(_root)), Is.EqualTo("step_20"));
        Assert.That(CheckpointDirectory.FindLatest(Path.Combine(_root, "nope")), Is.Null);
    }
}
