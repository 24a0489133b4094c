using Trm.Model;
using Trm.Model.Configuration;
using Trm.Training.Configuration;
using Trm.Training.Losses;

namespace Trm.Training.Tests.Configuration;

/// <summary>The chat presets and the seed command lines of the chat guide and nanoGPT parse to the intended configuration.</summary>
public sealed class ChatConfigTests
{
    private static readonly string[] SeedLine = ["arch=trm", "data_paths=[data/alpaca-processed]", "+run_name=chat-alpaca", "ema=True"];

    [Test]
    public void TrmChatPresetIsTheForksChatConfiguration()
    {
        var config = ConfigLoader.Load(["arch=trm_chat", "data_paths=[data/alpaca-processed]"]);
        Assert.That(config.Arch, Is.EqualTo(TrmConfig.Chat));
        Assert.That(config.Arch is { Causal: true, MlpT: false, HCycles: 1, LCycles: 1, LLayers: 4, HiddenSize: 384, NumHeads: 12, HaltMaxSteps: 1, PuzzleEmbNdim: 0 }, Is.True);
        Assert.That(config.LossType, Is.EqualTo(LossKind.SoftmaxCrossEntropy));
        Assert.That((config.GlobalBatchSize, config.GradientAccumulationSteps), Is.EqualTo((4, 8)));
        Assert.That((config.Lr, config.LrMinRatio, config.LrWarmupSteps), Is.EqualTo((3e-4, 0.1, 1000)));
        Assert.That((config.Beta1, config.Beta2, config.WeightDecay), Is.EqualTo((0.9, 0.95, 0.1)));
        Assert.That((config.Ema, config.EmaRate), Is.EqualTo((true, 0.999)));
        Assert.That(config.Optimizer, Is.EqualTo(OptimizerKind.AdamW));
        Assert.That(config.DataPaths, Is.EqualTo(new[] { "data/alpaca-processed" }));
    }

    [Test]
    public void TrmChatRecursivePresetIsTheCotVariant()
    {
        var config = ConfigLoader.Load(["arch=trm_chat_recursive", "data_paths=[d]"]);
        Assert.That(config.Arch, Is.EqualTo(TrmConfig.ChatRecursive));
        Assert.That(config.Arch is { Causal: true, HCycles: 3, LCycles: 4, HaltMaxSteps: 16, HaltExplorationProb: 0.1 }, Is.True);
        Assert.That(config.GradientAccumulationSteps, Is.EqualTo(8));
    }

    [Test]
    public void ThePresetLeavesDataAndRunKeysAndLaterOverridesWin()
    {
        var config = ConfigLoader.Load(["data_paths=[d]", "+run_name=r", "seed=7", "train_on_all_tokens=True", "block_size=64", "arch=trm_chat", "lr=1e-3", "arch.L_layers=2"]);
        Assert.That((config.RunName, config.Seed, config.Lr, config.Arch.LLayers), Is.EqualTo(("r", 7L, 1e-3, 2)));
        Assert.That((config.TrainOnAllTokens, config.BlockSize), Is.EqualTo((true, (int?)64)));
        Assert.That(config.DataPaths, Is.EqualTo(new[] { "d" }));
    }

    [Test]
    public void MlpTWithCausalIsAConfigurationError()
    {
        var e = Assert.Throws<TrmConfigException>(() => ConfigLoader.Load(["arch=trm_chat", "data_paths=[d]", "arch.mlp_t=True"]))!;
        Assert.That(e.Key, Is.EqualTo("arch.mlp_t"));
        Assert.That(e.Message, Does.Contain("causal"));
    }

    [Test]
    public void TheGuidesSeedLineOnChatDataIsTheChatModel()
    {
        var config = ConfigLoader.ForLanguageModel(ConfigLoader.ApplyOverrides(new TrainConfig(), SeedLine));
        Assert.That(config.Arch, Is.EqualTo(TrmConfig.Chat));
        Assert.That(config.RunName, Is.EqualTo("chat-alpaca"));
        Assert.That(config.Ema, Is.True);
        Assert.That(config.LossType, Is.EqualTo(LossKind.SoftmaxCrossEntropy));
        Assert.That((config.GlobalBatchSize, config.GradientAccumulationSteps, config.Lr), Is.EqualTo((4, 8, 3e-4)));
    }

    [TestCase("2", "2", "3")] // the quick recipe
    [TestCase("4", "3", "4")] // the production recipe (H_cycles 3 is also the puzzle default: written, so kept)
    public void TheRecipesArchKeysApplyToTheChatModel(string layers, string hCycles, string lCycles)
    {
        var line = SeedLine.Concat([$"arch.L_layers={layers}", $"arch.H_cycles={hCycles}", $"arch.L_cycles={lCycles}"]);
        var config = ConfigLoader.ForLanguageModel(ConfigLoader.ApplyOverrides(new TrainConfig(), line));
        Assert.That(config.Arch, Is.EqualTo(TrmConfig.Chat with { LLayers = int.Parse(layers), HCycles = int.Parse(hCycles), LCycles = int.Parse(lCycles) }));
        Assert.DoesNotThrow(() => config.Validate());
    }

    [Test]
    public void AWrittenValueEqualToThePuzzleDefaultIsKeptFromJsonToo()
    {
        var config = ConfigLoader.FromJson("""{"arch": {"H_cycles": 3}, "lr": 1e-4, "data_paths": ["d"]}""", "test.json");
        config = ConfigLoader.ForLanguageModel(config);
        Assert.That((config.Arch.HCycles, config.Lr), Is.EqualTo((3, 1e-4)));
        Assert.That(config.Arch.LCycles, Is.EqualTo(1), "an unwritten key takes the chat value");
    }

    [Test]
    public void NanoGptTokenStreamKeysParse()
    {
        var config = ConfigLoader.Load(["training_mode=multidataset", "dataset_list=[data/shakespeare_char,data/tiny_stories]", "dataset_sampling_probs=[0.7,0.3]",
            "sampling_method=without_replacement", "batch_size=12", "block_size=64", "grad_accum_steps=2", "max_iters=500"]);
        Assert.That(config.TrainingMode, Is.EqualTo("multidataset"));
        Assert.That(config.DatasetList, Is.EqualTo(new[] { "data/shakespeare_char", "data/tiny_stories" }));
        Assert.That(config.DatasetSamplingProbs, Is.EqualTo(new[] { "0.7", "0.3" }));
        Assert.That(config.SamplingMethod, Is.EqualTo("without_replacement"));
        Assert.That((config.GlobalBatchSize, config.BlockSize, config.GradientAccumulationSteps, config.MaxSteps), Is.EqualTo((12, (int?)64, 2, (long?)500)));
    }

    [TestCase("training_mode=both", "training_mode", "unknown training mode")]
    [TestCase("sampling_method=shuffled", "sampling_method", "unknown sampling method")]
    [TestCase("dataset_sampling_probs=[0.5,x]", "dataset_sampling_probs", "not a non-negative number")]
    [TestCase("gradient_accumulation_steps=0", "gradient_accumulation_steps", "must be in [1, 65536]")]
    [TestCase("max_nonfinite_steps=0", "max_nonfinite_steps", "must be positive")]
    [TestCase("arch=trm_chatty", "arch", "known: trm, trm_chat, trm_chat_recursive")]
    public void BadLanguageModelKeysNameTheKey(string token, string key, string fragment)
    {
        var e = Assert.Throws<TrmConfigException>(() => ConfigLoader.Load(["data_paths=[d]", token]))!;
        Assert.That(e.Key, Is.EqualTo(key));
        Assert.That(e.Message, Does.Contain(fragment));
    }

    [Test]
    public void TheChatConfigurationRoundTripsThroughJson()
    {
        var config = TrainConfig.Chat with { DataPaths = ["d"], DatasetList = ["a", "b"], TrainingMode = "multicontext", BlockSize = 128, TrainOnAllTokens = true };
        Assert.That(ConfigLoader.FromJson(ConfigLoader.ToJson(config), "round trip"), Is.EqualTo(config).Using<TrainConfig>((a, b) => ConfigLoader.ToJson(a) == ConfigLoader.ToJson(b)));
    }
}
