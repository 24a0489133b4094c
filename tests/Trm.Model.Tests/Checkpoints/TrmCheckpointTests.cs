using Trm.Model.Checkpoints;

namespace Trm.Model.Tests.Checkpoints;

public sealed class TrmCheckpointTests
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
        var dir = Path.Combine(_root, TrmCheckpoint.StepFolderName(step));
        TrmCheckpoint.Write(dir, step, temp =>
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
        var manifest = TrmCheckpoint.Verify(dir);
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
        var e = Assert.Throws<TrmCheckpointException>(() => TrmCheckpoint.Verify(dir))!;
        Assert.That(e.Message, Does.Contain("'a.txt' fails its checksum"));
    }

    [Test]
    public void TruncatedAndMissingFilesAreDetected()
    {
        var dir = WriteSample(1);
        File.WriteAllBytes(Path.Combine(dir, "b.bin"), [1, 2]);
        Assert.That(() => TrmCheckpoint.Verify(dir), Throws.TypeOf<TrmCheckpointException>().With.Message.Contains("'b.bin' has 2 bytes"));
        File.Delete(Path.Combine(dir, "b.bin"));
        Assert.That(() => TrmCheckpoint.Verify(dir), Throws.TypeOf<TrmCheckpointException>().With.Message.Contains("'b.bin' listed in the manifest is missing"));
        File.Delete(Path.Combine(dir, TrmCheckpoint.ManifestFile));
        Assert.That(() => TrmCheckpoint.Verify(dir), Throws.TypeOf<TrmCheckpointException>().With.Message.Contains("no manifest.json"));
    }

    [Test]
    public void FailedWriteLeavesNothingAndRewriteReplaces()
    {
        var dir = Path.Combine(_root, "step_3");
        Assert.Throws<IOException>(() => TrmCheckpoint.Write(dir, 3, temp =>
        {
            File.WriteAllText(Path.Combine(temp, "x"), "partial");
            throw new IOException("disk full");
        }));
        Assert.That(Directory.Exists(dir), Is.False);
        Assert.That(Directory.GetDirectories(_root), Is.Empty);

        WriteSample(3, "first");
        var e = Assert.Throws<TrmCheckpointException>(() => WriteSample(3, "second"))!;
        Assert.That(e.Message, Does.Contain("already exists").And.Contain("resume"));
        Assert.That(File.ReadAllText(Path.Combine(dir, "a.txt")), Is.EqualTo("first"), "a checkpoint is never overwritten silently");
        TrmCheckpoint.Write(dir, 3, temp => File.WriteAllText(Path.Combine(temp, "a.txt"), "second"), overwrite: true);
        Assert.That(File.ReadAllText(Path.Combine(dir, "a.txt")), Is.EqualTo("second"));
        TrmCheckpoint.Verify(dir);
    }

    [Test]
    public void FindLatestPicksHighestCompleteStep()
    {
        WriteSample(5);
        WriteSample(20);
        WriteSample(100);
        File.Delete(Path.Combine(_root, "step_100", TrmCheckpoint.ManifestFile));
        Directory.CreateDirectory(Path.Combine(_root, "step_x"));
        Assert.That(Path.GetFileName(TrmCheckpoint.FindLatest(_root)), Is.EqualTo("step_20"));
        Assert.That(TrmCheckpoint.FindLatest(Path.Combine(_root, "nope")), Is.Null);
    }

    [Test]
    public void OpenVerifiesBuildsTheModelAndImportNeedsAConfiguration()
    {
        var config = new TrmConfig { VocabSize = 5, SeqLen = 4, HiddenSize = 8, NumHeads = 2, Expansion = 2, LLayers = 1, HCycles = 1, LCycles = 1, PuzzleEmbNdim = 0, HaltMaxSteps = 2, ForwardDType = DType.Float32 };
        using var model = new TrmModel(config, new Generator(1));
        var dir = Path.Combine(_root, "run", "step_7");
        TrmCheckpoint.Write(dir, 7, temp => Trm.Torch.Serialization.SafeTensors.Save(Path.Combine(temp, TrmCheckpoint.ModelFile), model.StateDict(),
            new Dictionary<string, string> { [TrmCheckpoint.ConfigMetadataKey] = config.ToReferenceJson() }));

        var opened = TrmCheckpoint.Open(Path.Combine(_root, "run"));
        Assert.That(opened.Path, Is.EqualTo(dir));
        Assert.That(opened.Step, Is.EqualTo(7));
        Assert.That(opened.Verified, Is.True);
        Assert.That(opened.Config, Is.EqualTo(config));
        using (var loaded = opened.LoadModel())
        {
            foreach (var (name, tensor) in model.StateDict())
            {
                Assert.That(loaded.StateDict()[name].ToArray<float>(), Is.EqualTo(tensor.ToArray<float>()), name);
            }
        }

        // A missing manifest is an error unless the caller opts out explicitly.
        File.Delete(Path.Combine(dir, TrmCheckpoint.ManifestFile));
        Assert.That(() => TrmCheckpoint.Open(dir), Throws.TypeOf<TrmCheckpointException>().With.Message.Contains("no manifest.json"));
        Assert.That(TrmCheckpoint.Open(dir, verify: false).Verified, Is.False);

        // A bare weights file is an import; without trm_config metadata it needs the configuration.
        var bare = Path.Combine(_root, "reference.safetensors");
        Trm.Torch.Serialization.SafeTensors.Save(bare, model.StateDict());
        Assert.That(() => TrmCheckpoint.Open(bare), Throws.TypeOf<TrmCheckpointException>().With.Message.Contains("Import"));
        Assert.That(() => TrmCheckpoint.Import(bare), Throws.TypeOf<TrmCheckpointException>().With.Message.Contains("trm_config"));
        using var imported = TrmCheckpoint.Import(bare, config).LoadModel();
        Assert.That(imported.StateDict().Count, Is.EqualTo(model.StateDict().Count));
    }
}
