using Trm.Data.Oasst;
using Trm.Rl.RewardModel;
using Trm.Tokenization.Chat;
using Trm.Torch;

namespace Trm.Rl.Tests.RewardModel;

public class TrmRewardModelTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("trm-rl-rm-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void PaddingDoesNotChangeTheScore([Values] RewardPooling pooling)
    {
        using var model = TinyRewardModel.Create(new RewardModelOptions { MaxLength = 96, MinPrefixLength = 16, Pooling = pooling });
        var alone = model.Score([ChatMessage.User("hello")], ["a short one"]);
        var together = model.Score([ChatMessage.User("hello")], ["a short one", "a much longer reply than the other"]);
        Assert.That(together[0], Is.EqualTo(alone[0]).Within(1e-5));
        Assert.That(together[1], Is.Not.EqualTo(together[0]));
    }

    [Test]
    public void LastPoolingReadsTheLastRealPosition()
    {
        using var model = TinyRewardModel.Create();
        using var scope = Engine.NewDisposeScope();
        var (ids, mask) = RewardCollator.Pad([[5, 6, 7], [5, 6, 7, 8, 9]], model.Collator.Template.PadId, Device.Cpu);
        var scores = model.Forward(ids, mask).ToArray<float>();
        var hidden = model.Trunk.LmHidden(ids.Narrow(0, 0, 1).Narrow(1, 0, 3));
        var head = model.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
        var manual = (hidden.Select(1, 2).MatMul(head["head.weight"].Transpose(0, 1)) + head["head.bias"]).Item<float>();
        Assert.That(scores[0], Is.EqualTo(manual).Within(1e-5));
    }

    [Test]
    public void SaveAndLoadGiveTheSameScores()
    {
        using var model = TinyRewardModel.Create(new RewardModelOptions { MaxLength = 96, MinPrefixLength = 16, Pooling = RewardPooling.Mean });
        var before = model.Score("Tell me a joke.", "No.");
        var folder = Path.Combine(_dir, "step_3");
        model.Save(folder, 3);
        using var loaded = TrmRewardModel.Load(_dir);
        Assert.Multiple(() =>
        {
            Assert.That(loaded.Score("Tell me a joke.", "No."), Is.EqualTo(before).Within(1e-6));
            Assert.That(loaded.Options.Pooling, Is.EqualTo(RewardPooling.Mean));
            Assert.That(File.Exists(Path.Combine(folder, TrmRewardModel.VocabularyFile)), Is.True);
        });
    }

    [Test]
    public void LoadingALanguageModelCheckpointSaysItIsNotARewardModel()
    {
        using var model = TinyRewardModel.Create();
        var folder = Path.Combine(_dir, "step_1");
        Trm.Model.Checkpoints.TrmCheckpoint.Write(folder, 1, temp => Trm.Model.TrmStateDict.SaveReference(model.Trunk, Path.Combine(temp, Trm.Model.Checkpoints.TrmCheckpoint.ModelFile),
            new Dictionary<string, string> { [Trm.Model.Checkpoints.TrmCheckpoint.ConfigMetadataKey] = model.Trunk.Config.ToReferenceJson() }));
        var error = Assert.Throws<Trm.Model.Checkpoints.TrmCheckpointException>(() => TrmRewardModel.Load(folder));
        Assert.That(error!.Message, Does.Contain($"has no {TrmRewardModel.HeadFile}"));
    }

    [Test]
    public void TrainingOnALearnablePreferenceRaisesHeldOutAccuracy()
    {
        var path = Path.Combine(_dir, "trees.jsonl");
        SyntheticPreferenceTrees.Write(path, trees: 160, seed: 5);
        var (train, validation) = RewardDataSplit.ByGroup(RankedRepliesReader.Read(path), 0.25, seed: 1);
        using var model = TinyRewardModel.Create();
        var trainGroups = train.Select(model.Collator.Encode).ToList();
        var validationGroups = validation.Select(model.Collator.Encode).ToList();
        var trainer = new RewardModelTrainer(model, new RewardTrainingOptions
        {
            LearningRate = 3e-3, Epochs = 2, GroupsPerBatch = 8, GradientAccumulation = 1, WarmupSteps = 2,
            CheckpointDirectory = Path.Combine(_dir, "run"),
        });
        var result = trainer.Train(trainGroups, validationGroups);
        TestContext.Out.WriteLine($"accuracy {result.Initial.Metrics.Accuracy:F3} -> {result.Final.Metrics.Accuracy:F3}, tau {result.Initial.Metrics.KendallTau:F3} -> {result.Final.Metrics.KendallTau:F3}");
        Assert.Multiple(() =>
        {
            Assert.That(result.Final.Metrics.KendallTau, Is.GreaterThan(result.Initial.Metrics.KendallTau + 0.3));
            Assert.That(result.Final.Loss, Is.LessThan(result.Initial.Loss));
            Assert.That(result.LastCheckpoint, Does.EndWith($"step_{result.Steps}"));
            Assert.That(Directory.Exists(result.LastCheckpoint), Is.True);
        });
    }
}
