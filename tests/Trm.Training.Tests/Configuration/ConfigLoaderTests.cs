using Trm.Model;
using Trm.Model.Configuration;
using Trm.Training.Configuration;
using Trm.Training.Losses;

namespace Trm.Training.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    [Test]
    public void ReferenceSudokuCommandLineParses()
    {
        var config = ConfigLoader.Load(
        [
            "arch=trm", "data_paths=[data/sudoku-extreme-1k-aug-1000]", "evaluators=[]", "epochs=50000", "eval_interval=5000",
            "lr=1e-4", "puzzle_emb_lr=1e-4", "weight_decay=1.0", "puzzle_emb_weight_decay=1.0", "arch.mlp_t=True",
            "arch.pos_encodings=none", "arch.L_layers=2", "arch.H_cycles=3", "arch.L_cycles=6", "+run_name=pretrain_mlp_t_sudoku", "ema=True",
        ]);

        Assert.That(config.DataPaths, Is.EqualTo(new[] { "data/sudoku-extreme-1k-aug-1000" }));
        Assert.That(config.Evaluators, Is.Empty);
        Assert.That(config.Epochs, Is.EqualTo(50000));
        Assert.That(config.EvalInterval, Is.EqualTo(5000));
        Assert.That(config.Lr, Is.EqualTo(1e-4));
        Assert.That(config.PuzzleEmbLr, Is.EqualTo(1e-4));
        Assert.That(config.WeightDecay, Is.EqualTo(1.0));
        Assert.That(config.Arch.MlpT, Is.True);
        Assert.That(config.Arch.PosEncodings, Is.EqualTo(PositionEncoding.None));
        Assert.That(config.Arch.LCycles, Is.EqualTo(6));
        Assert.That(config.RunName, Is.EqualTo("pretrain_mlp_t_sudoku"));
        Assert.That(config.Ema, Is.True);
        // Untouched keys keep the reference's defaults.
        Assert.That(config.GlobalBatchSize, Is.EqualTo(768));
        Assert.That(config.Beta2, Is.EqualTo(0.95));
        Assert.That(config.Arch.HiddenSize, Is.EqualTo(512));
        Assert.That(config.Arch.EffectivePuzzleEmbNdim, Is.EqualTo(512));
        Assert.That(config.LossType, Is.EqualTo(LossKind.StablemaxCrossEntropy));
    }

    [Test]
    public void QuotedListsNestedKeysAndNullsParse()
    {
        var config = ConfigLoader.ApplyOverrides(new TrainConfig(),
        [
            "data_paths=\"[data/a, 'data/b c']\"", "arch.loss.loss_type=softmax_cross_entropy", "eval_interval=null",
            "grad_clip_norm=1.5", "++seed=7", "epochs=1e3", "arch.puzzle_emb_ndim=0",
        ]);
        Assert.That(config.DataPaths, Is.EqualTo(new[] { "data/a", "data/b c" }));
        Assert.That(config.LossType, Is.EqualTo(LossKind.SoftmaxCrossEntropy));
        Assert.That(config.EvalInterval, Is.Null);
        Assert.That(config.GradClipNorm, Is.EqualTo(1.5));
        Assert.That(config.Seed, Is.EqualTo(7));
        Assert.That(config.Epochs, Is.EqualTo(1000));
        Assert.That(config.Arch.EffectivePuzzleEmbNdim, Is.EqualTo(0));
    }

    [Test]
    public void ArchPresetResetsArchSection()
    {
        var config = ConfigLoader.ApplyOverrides(new TrainConfig(), ["arch.hidden_size=64", "arch=trm"]);
        Assert.That(config.Arch.HiddenSize, Is.EqualTo(512));
    }

    [TestCase("arch.L_cycle=6", "arch.L_cycle", "did you mean")]
    [TestCase("arch.l_cycles=6", "arch.l_cycles", "did you mean 'arch.L_cycles'")]
    [TestCase("learning_rate=3", "learning_rate", "unknown key")]
    [TestCase("lr=fast", "lr", "expected a number")]
    [TestCase("epochs=1.5", "epochs", "expected an integer")]
    [TestCase("ema=yes", "ema", "expected true or false")]
    [TestCase("arch=hrm", "arch", "unknown architecture preset")]
    [TestCase("arch.loss=x", "arch.loss", "is a section")]
    [TestCase("lr.x=1", "lr.x", "is a value, not a section")]
    [TestCase("epochs=null", "epochs", "must not be null")]
    [TestCase("data_paths=[a,", "data_paths", "unterminated list")]
    [TestCase("justakey", "justakey", "expected key=value")]
    public void BadOverridesNameTheKey(string token, string key, string fragment)
    {
        var e = Assert.Throws<TrmConfigException>(() => ConfigLoader.ApplyOverrides(new TrainConfig(), [token]))!;
        Assert.That(e.Key, Is.EqualTo(key));
        Assert.That(e.Message, Does.Contain(fragment));
        Assert.That(e.Message, Does.Contain(token));
    }

    [TestCase("epochs=10 eval_interval=3", "eval_interval", "must divide epochs")]
    [TestCase("arch.num_heads=7", "arch.num_heads", "must divide hidden_size")]
    [TestCase("arch.pos_encodings=sinus", "arch.pos_encodings", "rope, learned or none")]
    [TestCase("lr_min_ratio=2", "lr_min_ratio", "[0, 1]")]
    [TestCase("optimizer=sgd", "optimizer", "adam_atan2 or adamw")]
    [TestCase("evaluators=[bleu]", "evaluators", "unknown evaluator")]
    public void ValidationNamesTheKey(string tokens, string key, string fragment)
    {
        var args = tokens.Split(' ').Append("data_paths=[d]");
        var e = Assert.Throws<TrmConfigException>(() => ConfigLoader.Load(args))!;
        Assert.That(e.Key, Is.EqualTo(key));
        Assert.That(e.Message, Does.Contain(fragment));
    }

    [Test]
    public void MissingDataPathsIsReported()
    {
        var e = Assert.Throws<TrmConfigException>(() => ConfigLoader.Load(["lr=1e-3"]))!;
        Assert.That(e.Key, Is.EqualTo("data_paths"));
    }

    [Test]
    public void JsonFileThenOverrides()
    {
        var file = Path.Combine(Path.GetTempPath(), $"trm-config-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """
            // comments are allowed
            { "data_paths": ["data/x"], "lr": 0.001, "arch": { "hidden_size": 64, "num_heads": 4, "mlp_t": true }, "ema": true, }
            """);
        try
        {
            var config = ConfigLoader.Load(["lr=0.002"], file);
            Assert.That(config.DataPaths, Is.EqualTo(new[] { "data/x" }));
            Assert.That(config.Lr, Is.EqualTo(0.002));
            Assert.That(config.Arch.HiddenSize, Is.EqualTo(64));
            Assert.That(config.Arch.MlpT, Is.True);
            Assert.That(config.Arch.LCycles, Is.EqualTo(6));
            Assert.That(config.Ema, Is.True);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [TestCase("""{ "arch": { "hiden_size": 64 } }""", "arch.hiden_size", "unknown key")]
    [TestCase("""{ "lr": "fast" }""", "lr", "expected a number")]
    [TestCase("""{ "arch": 3 }""", "arch", "must be a JSON object")]
    [TestCase("""{ "epochs": null }""", "epochs", "must not be null")]
    [TestCase("""{ "lr": 1e-4, """, "$", "not valid JSON")]
    public void BadJsonFilesNameKeyAndFile(string json, string key, string fragment)
    {
        var file = Path.Combine(Path.GetTempPath(), $"trm-config-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, json);
        try
        {
            var e = Assert.Throws<TrmConfigException>(() => ConfigLoader.FromJsonFile(file))!;
            Assert.That(e.Key, Is.EqualTo(key));
            Assert.That(e.Message, Does.Contain(fragment));
            Assert.That(e.Message, Does.Contain(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void JsonRoundTripKeepsEveryValue()
    {
        var config = ConfigLoader.Load(["data_paths=[a,b]", "arch.hidden_size=96", "arch.num_heads=2", "grad_clip_norm=2", "+run_name=r"]);
        var back = ConfigLoader.FromJson(ConfigLoader.ToJson(config), "test");
        Assert.That(back.Arch, Is.EqualTo(config.Arch));
        Assert.That(back.DataPaths, Is.EqualTo(config.DataPaths));
        Assert.That(back with { DataPaths = config.DataPaths, DataPathsTest = config.DataPathsTest, Evaluators = config.Evaluators }, Is.EqualTo(config));
        Assert.That(ConfigLoader.ToJson(config), Does.Contain("\"H_cycles\": 3"));
    }
}
