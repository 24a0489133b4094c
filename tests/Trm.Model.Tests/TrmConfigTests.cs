namespace Trm.Model.Tests;

[TestFixture]
public sealed class TrmConfigTests
{
    [Test]
    public void ReadsTheReferenceArchitectureJson()
    {
        const string json = """
            {"name": "recursive_reasoning.trm@TinyRecursiveReasoningModel_ACTV1", "loss": {"name": "losses@ACTLossHead"},
             "batch_size": 768, "seq_len": 81, "vocab_size": 11, "num_puzzle_identifiers": 1, "puzzle_emb_ndim": 512,
             "H_cycles": 3, "L_cycles": 6, "H_layers": 0, "L_layers": 2, "hidden_size": 512, "expansion": 4,
             "num_heads": 8, "pos_encodings": "none", "mlp_t": true, "halt_max_steps": 16,
             "halt_exploration_prob": 0.1, "puzzle_emb_len": 16}
            """;
        var config = TrmConfig.FromReferenceJson(json);
        Assert.Multiple(() =>
        {
            Assert.That(config.BatchSize, Is.EqualTo(768));
            Assert.That(config.MlpT, Is.True);
            Assert.That(config.PosEncodings, Is.EqualTo(PositionEncoding.None));
            Assert.That(config.ForwardDType, Is.EqualTo(DType.BFloat16), "the reference's default forward dtype");
            Assert.That(config.TotalSeqLen, Is.EqualTo(97));
            Assert.That(config.NoActContinue, Is.True);
            Assert.That(config.RmsNormEps, Is.EqualTo(1e-5));
        });
    }

    [Test]
    public void ReferenceJsonRoundTrips()
    {
        var config = new TrmConfig
        {
            BatchSize = 32, VocabSize = 11, SeqLen = 81, HiddenSize = 96, NumHeads = 6, Expansion = 2.5, LLayers = 3,
            HCycles = 4, LCycles = 5, PosEncodings = PositionEncoding.Learned, RopeTheta = 500, MlpT = false,
            PuzzleEmbNdim = 96, PuzzleEmbLen = 2, NumPuzzleIdentifiers = 7, HaltMaxSteps = 9, HaltExplorationProb = 0.25,
            NoActContinue = false, ForwardDType = DType.BFloat16, Causal = true, RmsNormEps = 1e-6, EvalHaltMaxSteps = 20,
        };
        Assert.That(TrmConfig.FromReferenceJson(config.ToReferenceJson()), Is.EqualTo(config));
        Assert.That(config.ToReferenceJson(), Does.Contain("\"pos_encodings\":\"learned\"").And.Contain("\"no_ACT_continue\":false").And.Contain("\"eval_halt_max_steps\":20"));
        // Unset, it is not written (the reference's config has no such key) and evaluation runs halt_max_steps.
        var unset = config with { EvalHaltMaxSteps = null };
        Assert.That(unset.ToReferenceJson(), Does.Not.Contain("eval_halt_max_steps"));
        Assert.That(unset.EffectiveEvalHaltMaxSteps, Is.EqualTo(9));
        Assert.That(config.EffectiveEvalHaltMaxSteps, Is.EqualTo(20));
    }

    [Test]
    public void PuzzleEmbLenZeroMeansCeilOfWidthOverHidden()
    {
        var config = new TrmConfig { VocabSize = 4, SeqLen = 5, HiddenSize = 64, NumHeads = 4, PuzzleEmbNdim = 130, PuzzleEmbLen = 0 };
        Assert.That(config.PuzzleEmbPositions, Is.EqualTo(3));
        Assert.That(config with { PuzzleEmbNdim = 0 }, Has.Property(nameof(TrmConfig.PuzzleEmbPositions)).EqualTo(0));
    }

    [Test]
    public void InvalidOptionsNameTheField()
    {
        var good = new TrmConfig { VocabSize = 4, SeqLen = 5, HiddenSize = 64, NumHeads = 4 };
        Assert.DoesNotThrow(() => good.Validate());
        Assert.That(() => (good with { NumHeads = 3 }).Validate(), Throws.InstanceOf<TrmConfigException>().With.Message.Contains("num_heads").And.Message.Contains("must divide hidden_size (64)"));
        Assert.That(() => (good with { HaltExplorationProb = 1.5 }).Validate(), Throws.InstanceOf<TrmConfigException>().With.Message.Contains("halt_exploration_prob").And.Message.Contains("HaltExplorationProb"));
        Assert.That(() => (good with { EvalHaltMaxSteps = 0 }).Validate(), Throws.InstanceOf<TrmConfigException>().With.Message.Contains("eval_halt_max_steps"));
        Assert.That(() => (good with { PuzzleEmbNdim = 64 * 16 + 1 }).Validate(), Throws.InstanceOf<TrmConfigException>().With.Message.Contains("puzzle_emb_ndim"));
        Assert.That(() => TrmConfig.FromReferenceJson("""{"seq_len": 9}"""), Throws.InstanceOf<ArgumentException>().With.Message.Contains("vocab_size"));
        Assert.That(() => TrmConfig.FromReferenceJson("""{"seq_len": 9, "vocab_size": 3, "pos_encodings": "alibi"}"""),
            Throws.InstanceOf<ArgumentException>().With.Message.Contains("alibi"));
        Assert.That(() => TrmConfig.FromReferenceJson("""{"seq_len": "9", "vocab_size": 3}"""),
            Throws.InstanceOf<ArgumentException>().With.Message.Contains("seq_len"));
    }

    [TestCase("halt_max_steps", 1000000000)]
    [TestCase("hidden_size", 1000000)]
    [TestCase("H_cycles", 5000)]
    [TestCase("seq_len", 100000000)]
    public void HostileSizesInACheckpointConfigAreRefusedBeforeAnythingIsBuilt(string key, int value)
    {
        var values = new Dictionary<string, int> { ["seq_len"] = 81, ["vocab_size"] = 11, ["hidden_size"] = 64, ["num_heads"] = 4, [key] = value };
        var json = System.Text.Json.JsonSerializer.Serialize(values);
        var e = Assert.Throws<TrmConfigException>(() => TrmConfig.FromReferenceJson(json))!;
        Assert.That(e.Key, Is.EqualTo(key));
        Assert.That(e.Message, Does.Contain("must be at most"));
    }
}
