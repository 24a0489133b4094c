using Trm.Data.Chat;
using Trm.Model.Checkpoints;
using Trm.Training.Tests.Language;

namespace Trm.Cli.Tests;

/// <summary>
/// <c>trm train</c> on a chat dataset and on token streams with the seed command lines of the chat guide and nanoGPT
/// (shrunk with a few extra overrides so they run in seconds), then <c>trm generate</c> on the result.
/// </summary>
[NonParallelizable]
public sealed class ChatTrainingCommandTests
{
    // Keep the seed lines' own keys; these only shrink the model and the run.
    private static readonly string[] Tiny = ["arch.hidden_size=32", "arch.num_heads=2", "arch.expansion=2", "max_steps=2", "lr_warmup_steps=0", "device=cpu", "eval_samples=1", "eval_sample_tokens=4"];

    private TempFolder _temp = null!;
    private string _root = "";

    [SetUp]
    public void SetUp()
    {
        _temp = new TempFolder("trm-cli-chat");
        _root = _temp.Path;
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private static Task<(int Code, string Out, string Err)> Trm(params string[] args) => TrainingCommandsTests.Trm(args);

    [TestCase("", 1, 1, 4)] // the guide's line: arch=trm on chat data is the chat model (L_layers 4, one cycle)
    [TestCase("arch.L_layers=2 arch.H_cycles=2 arch.L_cycles=3", 2, 3, 2)] // the quick recipe
    [TestCase("arch.L_layers=4 arch.H_cycles=3 arch.L_cycles=4", 3, 4, 4)] // the production recipe
    public async Task TheGuidesLinesTrainTheCausalChatModel(string recipe, int hCycles, int lCycles, int layers)
    {
        var data = TinyChat.Build(Path.Combine(_root, "data"), TinyChat.Reversals(8));
        var run = Path.Combine(_root, "checkpoints", "chat-alpaca");
        string[] line = ["train", "arch=trm", $"data_paths=[{data}]", "+run_name=chat-alpaca", "ema=True", .. recipe.Split(' ', StringSplitOptions.RemoveEmptyEntries), .. Tiny, $"checkpoint_path={run}"];
        var (code, output, err) = await Trm(line);
        Assert.That(code, Is.Zero, err + output);
        output = System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " "); // the console wraps long lines
        Assert.That(output, Does.Contain($"causal language model, H_cycles {hCycles} L_cycles {lCycles} L_layers {layers}, on a chat dataset"));
        Assert.That(output, Does.Contain("perplexity").And.Contain("sample: "));

        var checkpoint = TrmCheckpoint.Open(run);
        Assert.That(checkpoint.Step, Is.EqualTo(2));
        Assert.That(checkpoint.Config is { Causal: true, MlpT: false, PuzzleEmbNdim: 0 }, Is.True);
        Assert.That((checkpoint.Config.HCycles, checkpoint.Config.LCycles, checkpoint.Config.LLayers), Is.EqualTo((hCycles, lCycles, layers)));
        Assert.That(checkpoint.Metadata["ema"], Is.EqualTo("True"));

        var (generated, reply, generateErr) = await Trm("generate", "--checkpoint", run, "--prompt", "reverse abc", "--max-new-tokens", "4", "--temperature", "0");
        Assert.That(generated, Is.Zero, generateErr);
        Assert.That(reply, Is.Not.Empty);
    }

    [Test]
    public async Task MlpTWithAChatDatasetIsRefused()
    {
        var data = TinyChat.Build(Path.Combine(_root, "data"), TinyChat.Reversals(8));
        var (code, _, err) = await Trm(["train", "arch=trm", $"data_paths=[{data}]", "arch.mlp_t=True", .. Tiny, $"checkpoint_path={Path.Combine(_root, "x")}"]);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(err, Does.Contain("arch.mlp_t").And.Contain("causal"));
    }

    [Test]
    public async Task ANanoGptStyleLineTrainsOnTokenStreams()
    {
        var text = string.Concat(Enumerable.Repeat("first citizen: before we proceed any further, hear me speak. ", 30));
        var a = TinyChat.Stream(Path.Combine(_root, "a"), text);
        var b = TinyChat.Stream(Path.Combine(_root, "b"), text.ToUpperInvariant());
        var run = Path.Combine(_root, "checkpoints", "nano");
        var (code, output, err) = await Trm(["train", "training_mode=multidataset", $"dataset_list=[{a},{b}]", "dataset_sampling_probs=[0.7,0.3]", "sampling_method=random",
            "batch_size=4", "gradient_accumulation_steps=1", "block_size=16", .. Tiny, $"checkpoint_path={run}"]);
        Assert.That(code, Is.Zero, err + output);
        Assert.That(System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " "), Does.Contain("on token streams"));
        var checkpoint = TrmCheckpoint.Open(run);
        Assert.That((checkpoint.Config.Causal, checkpoint.Config.SeqLen), Is.EqualTo((true, 16)));
        Assert.That(checkpoint.Metadata["tokenizer"], Is.EqualTo("char:vocab.json"));
    }

    [Test]
    public async Task SftBuildsTheMixtureAndFineTunesTheSourceCheckpoint()
    {
        var data = TinyChat.Build(Path.Combine(_root, "data"), TinyChat.Reversals(8));
        var pretrained = Path.Combine(_root, "checkpoints", "base");
        var (code, output, err) = await Trm(["train", "arch=trm_chat", $"data_paths=[{data}]", "arch.L_layers=1", .. Tiny, $"checkpoint_path={pretrained}"]);
        Assert.That(code, Is.Zero, err + output);

        var chat = Path.Combine(_root, "sft.jsonl");
        File.WriteAllLines(chat, TinyChat.Reversals(12).Select(p =>
            $$"""{"messages": [{"role": "user", "content": "{{p.User}}"}, {"role": "assistant", "content": "{{p.Assistant}}"}]}"""));
        var mixture = Path.Combine(_root, "mixture");
        foreach (var (lr, run) in new[] { ("0", "frozen"), ("3e-3", "tuned") }) // no EMA on the frozen run: averaging equal weights still rounds
        {
            var folder = Path.Combine(_root, "checkpoints", run);
            (code, output, err) = await Trm(["sft", "--recipe", "default", "--source", pretrained, "--stop", "10", "--train-split", "0.8", "-o", mixture, "chat:" + chat,
                $"lr={lr}", $"ema={lr != "0"}", "epochs=1", "gradient_accumulation_steps=1", "global_batch_size=2", "lr_warmup_steps=0", "device=cpu", "eval_samples=1", $"checkpoint_path={folder}"]);
            Assert.That(code, Is.Zero, err + output);
            Assert.That(output, Does.Contain("sft"));
        }

        // The mixture holds the stop's 10 examples, split 8 / 2, in the base model's tokenizer and context.
        using (var dataset = ChatDataset.Open(mixture))
        {
            Assert.That((dataset.Train.Count, dataset.Val.Count), Is.EqualTo((8, 2)));
            Assert.That(dataset.Info.MaxLength, Is.EqualTo(TrmCheckpoint.Open(pretrained).Config.SeqLen + 1));
        }
        // lr = 0 leaves the source's weights as they were (so the run started from them); lr > 0 moves them.
        var source = Weights(pretrained);
        Assert.That(Weights(Path.Combine(_root, "checkpoints", "frozen")), Is.EqualTo(source));
        var tuned = TrmCheckpoint.Open(Path.Combine(_root, "checkpoints", "tuned"));
        Assert.That(tuned.Step, Is.EqualTo(4));
        Assert.That(tuned.Config, Is.EqualTo(TrmCheckpoint.Open(pretrained).Config));
        Assert.That(Weights(tuned.Path), Is.Not.EqualTo(source));
    }

    private static Dictionary<string, float[]> Weights(string checkpoint)
    {
        using var model = TrmCheckpoint.Open(checkpoint).LoadModel();
        return model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray<float>());
    }
}
