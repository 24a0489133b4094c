// Reward-model pipeline, offline on CPU: write an Open-Assistant-format tree file with a learnable preference (replies
// with more kind words rank better) -> read it with the OASST filters -> split per tree -> build a small causal TRM trunk
// with a scalar head -> measure held-out pair accuracy -> train with the pairwise ranking loss -> measure again.
// Usage: dotnet run --project samples/RewardModelPipeline -c Release [-- <trees> <epochs>]
using System.Globalization;
using Microsoft.Extensions.Logging;
using Trm.Core.IO;
using Trm.Model;
using Trm.Rl.RewardModel;
using Trm.Tokenization;
using Trm.Tokenization.Chat;
using Trm.Torch;
using Trm.Training.Metrics;

var trees = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 400;
var epochs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
var run = Path.Combine("checkpoints", "rm-pipeline");
Directory.CreateDirectory(run);

// 1. Data: synthetic OASST trees (nested export format), read back through the same filters as a real export.
var file = Path.Combine(run, "synthetic-oasst.jsonl");
SyntheticPreferenceTrees.Write(file, trees, seed: 11);
var (train, heldOut) = RewardDataSplit.ByGroup(RankedRepliesReader.Read(file), validationFraction: 0.2, seed: 0);

// 2. Model: a 2-layer causal TRM trunk (hidden 64) over a character vocabulary, plus Linear(64, 1) on the last token.
var tokenizer = CharTokenizer.Build("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,!?'");
var config = (TrmConfig.Chat with
{
    VocabSize = ChatTemplate.Create(tokenizer).Tokenizer.VocabSize,
    SeqLen = 96,
    HiddenSize = 64,
    NumHeads = 4,
    LLayers = 2,
}).ForDevice(Device.Cpu);
using var model = new TrmRewardModel(new TrmModel(config, new Generator(0)), tokenizer, new RewardModelOptions { MaxLength = 96, MinPrefixLength = 32 }, new Generator(1));
var trainGroups = train.Select(model.Collator.Encode).ToList();
var heldOutGroups = heldOut.Select(model.Collator.Encode).ToList();
Console.WriteLine($"{trainGroups.Count} training prompts ({trainGroups.Sum(g => g.Pairs().Count())} pairs), {heldOutGroups.Count} held-out prompts ({heldOutGroups.Sum(g => g.Pairs().Count())} pairs); trunk {model.Trunk.ParameterCount():N0} parameters");

// 3. Train: AdamW, 4 prompts a micro-batch, 2 micro-batches a step; evaluated on the held-out trees every 10 steps.
using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
var trainer = new RewardModelTrainer(model, new RewardTrainingOptions
{
    LearningRate = 2e-3,
    Epochs = epochs,
    GroupsPerBatch = 4,
    GradientAccumulation = 2,
    WarmupSteps = 5,
    EvalEvery = 10,
    CheckpointDirectory = run,
}, logging.CreateLogger<RewardModelTrainer>());
var started = DateTime.UtcNow;
var result = trainer.Train(trainGroups, heldOutGroups);
var elapsed = DateTime.UtcNow - started;

// 4. Report, metrics file and plot (held-out pair accuracy against step).
var now = DateTimeOffset.UtcNow;
var records = result.History.Select(e => new MetricsRecord(e.Step, "eval", new Dictionary<string, double>
{
    ["accuracy"] = e.Metrics.PairAccuracy,
    ["kendall_tau"] = e.Metrics.KendallTau,
})).ToList();
AtomicFile.WriteAllText(Path.Combine(run, "metrics.jsonl"), string.Concat(records.Select(r => MetricsJsonlWriter.Format(r, now) + "\n")));
var plot = new ScottPlot.Plot();
plot.Title("Reward model on held-out trees");
plot.XLabel("step");
var steps = result.History.Select(e => (double)e.Step).ToArray();
plot.Add.Scatter(steps, result.History.Select(e => e.Metrics.PairAccuracy).ToArray()).LegendText = "pair accuracy";
plot.Add.Scatter(steps, result.History.Select(e => e.Metrics.KendallTau).ToArray()).LegendText = "Kendall tau";
plot.Add.Scatter(steps, result.History.Select(e => e.Loss).ToArray()).LegendText = "ranking loss";
plot.ShowLegend(ScottPlot.Alignment.MiddleRight);
plot.SavePng(Path.Combine(run, "reward-model.png"), 900, 500);
Console.WriteLine(FormattableString.Invariant(
    $"Held-out pair accuracy {result.Initial.Metrics.PairAccuracy:P1} -> {result.Final.Metrics.PairAccuracy:P1}, best-above-worst {result.Initial.Metrics.Accuracy:P1} -> {result.Final.Metrics.Accuracy:P1}, Kendall tau {result.Initial.Metrics.KendallTau:F3} -> {result.Final.Metrics.KendallTau:F3} after {result.Steps} steps ({elapsed:mm\\:ss}); checkpoint {result.LastCheckpoint}"));

// 5. Use it: score two replies to a new prompt.
using var loaded = TrmRewardModel.Load(result.LastCheckpoint!);
var prompt = "Tell me about the harbour.";
foreach (var reply in new[] { "It is kind warm nice good calm fair.", "It is rude bad kind dull grim cold." })
    Console.WriteLine(FormattableString.Invariant($"score {loaded.Score(prompt, reply),7:F3}  {reply}"));
