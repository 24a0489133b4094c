using System.CommandLine;
using System.Globalization;
using Trm.Core.IO;
using Trm.Data;
using Trm.Data.Oasst;
using Trm.Model;
using Trm.Model.Checkpoints;
using Trm.Rl.RewardModel;
using Trm.Tokenization;
using Trm.Tokenization.Chat;
using Trm.Torch;
using Trm.Training;
using Trm.Training.Metrics;

namespace Trm.Cli.Commands;

/// <summary>
/// <c>trm rl train-rm --data oasst.jsonl.gz --out checkpoints/rm [--init-from checkpoints/sft]</c>: trains a reward model on
/// ranked replies (Open-Assistant exports or ranked-pairs JSONL), split per tree, and writes <c>step_N</c> checkpoints and
/// <c>metrics.jsonl</c> under the run folder.
/// </summary>
public static class RewardModelCommands
{
    /// <summary>Adds <c>train-rm</c> to <paramref name="rl"/>.</summary>
    /// <param name="rl">The <c>rl</c> command.</param>
    public static void AddTo(Command rl)
    {
        ArgumentNullException.ThrowIfNull(rl);
        rl.Subcommands.Add(CreateTrain());
    }

    private static Command CreateTrain()
    {
        var data = new Option<string>("--data") { Description = "An Open-Assistant export (.jsonl/.jsonl.gz, nested trees or message rows) or ranked-pairs JSONL.", Required = true };
        var output = new Option<string>("--out") { Description = "Run folder for step_N checkpoints and metrics.jsonl.", DefaultValueFactory = _ => Path.Combine("checkpoints", "rm") };
        var initFrom = new Option<string?>("--init-from") { Description = "Start the trunk from this chat checkpoint (step_N or run folder); default: a fresh model." };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "gpt2 or char:<vocab.json>; default: the --init-from checkpoint's, else gpt2." };
        var hidden = new Option<int>("--hidden-size") { Description = "Fresh trunk: hidden size.", DefaultValueFactory = _ => 128 };
        var layers = new Option<int>("--layers") { Description = "Fresh trunk: transformer blocks (L_layers).", DefaultValueFactory = _ => 2 };
        var heads = new Option<int>("--heads") { Description = "Fresh trunk: attention heads.", DefaultValueFactory = _ => 4 };
        var languages = new Option<string>("--lang") { Description = "OASST languages to keep, comma-separated; 'all' keeps every language.", DefaultValueFactory = _ => "en" };
        var maxLength = new Option<int>("--max-length") { Description = "Most tokens of prefix + reply.", DefaultValueFactory = _ => 512 };
        var maxReplies = new Option<int>("--max-replies") { Description = "Most replies per prompt (the best ones).", DefaultValueFactory = _ => 5 };
        var pooling = new Option<string>("--pooling") { Description = "last (the last attended position) or mean.", DefaultValueFactory = _ => "last" };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training prompts.", DefaultValueFactory = _ => 2 };
        var maxSteps = new Option<int?>("--max-steps") { Description = "Stop after this many optimizer steps." };
        var lr = new Option<double>("--lr") { Description = "Learning rate (1e-5 for a pretrained trunk; ~1e-3 for a small fresh one).", DefaultValueFactory = _ => 1e-5 };
        var batch = new Option<int>("--batch") { Description = "Prompts per micro-batch.", DefaultValueFactory = _ => 2 };
        var accumulation = new Option<int>("--grad-accum") { Description = "Micro-batches per optimizer step.", DefaultValueFactory = _ => 2 };
        var warmup = new Option<int>("--warmup") { Description = "Linear warm-up steps.", DefaultValueFactory = _ => 10 };
        var beta = new Option<double>("--beta") { Description = "Weight of the score regulariser.", DefaultValueFactory = _ => RankingLoss.DefaultBeta };
        var evalEvery = new Option<int>("--eval-every") { Description = "Evaluate (and checkpoint) every N steps; 0 = every epoch.", DefaultValueFactory = _ => 0 };
        var validation = new Option<double>("--val-fraction") { Description = "Share of trees held out for validation.", DefaultValueFactory = _ => 0.1 };
        var seed = new Option<int>("--seed") { Description = "Seed of the split, the shuffling and a fresh trunk.", DefaultValueFactory = _ => 0 };
        var device = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var command = new Command("train-rm", "Train a reward model on ranked replies (Open-Assistant trees or ranked-pairs JSONL).");
        foreach (var option in new Option[] { data, output, initFrom, tokenizer, hidden, layers, heads, languages, maxLength, maxReplies, pooling, epochs, maxSteps, lr, batch,
                     accumulation, warmup, beta, evalEvery, validation, seed, device })
        {
            command.Options.Add(option);
        }

        command.SetAction((parseResult, cancellationToken) =>
        {
            var stdout = parseResult.InvocationConfiguration.Output;
            var stderr = parseResult.InvocationConfiguration.Error;
            try
            {
                var poolingName = parseResult.GetValue(pooling)!;
                var options = new RewardModelOptions
                {
                    MaxLength = parseResult.GetValue(maxLength),
                    MaxReplies = parseResult.GetValue(maxReplies),
                    MinPrefixLength = Math.Min(256, parseResult.GetValue(maxLength) / 2),
                    Pooling = poolingName switch
                    {
                        "last" => RewardPooling.Last,
                        "mean" => RewardPooling.Mean,
                        _ => throw new ArgumentException($"--pooling must be last or mean, not '{poolingName}'"),
                    },
                };
                var runFolder = parseResult.GetValue(output)!;
                var training = new RewardTrainingOptions
                {
                    LearningRate = parseResult.GetValue(lr),
                    Epochs = parseResult.GetValue(epochs),
                    MaxSteps = parseResult.GetValue(maxSteps),
                    GroupsPerBatch = parseResult.GetValue(batch),
                    GradientAccumulation = parseResult.GetValue(accumulation),
                    WarmupSteps = parseResult.GetValue(warmup),
                    Beta = parseResult.GetValue(beta),
                    EvalEvery = parseResult.GetValue(evalEvery),
                    Seed = parseResult.GetValue(seed),
                    CheckpointDirectory = runFolder,
                };
                training.Validate();
                var lang = parseResult.GetValue(languages)!;
                var oasst = new OasstOptions { Languages = lang == "all" ? null : lang.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal) };
                var items = RankedRepliesReader.Read(parseResult.GetValue(data)!, oasst, cancellationToken);
                if (items.Count == 0) throw new ArgumentException($"{parseResult.GetValue(data)} has no prompt with two or more ranked replies (after the filters: languages {lang}).");
                var (trainItems, validationItems) = RewardDataSplit.ByGroup(items, parseResult.GetValue(validation), parseResult.GetValue(seed));

                var target = TrainerBuilder.ResolveDevice(parseResult.GetValue(device)!);
                using var model = CreateModel(parseResult.GetValue(initFrom), parseResult.GetValue(tokenizer), options, parseResult.GetValue(hidden), parseResult.GetValue(layers),
                    parseResult.GetValue(heads), parseResult.GetValue(seed), target);
                var trainGroups = trainItems.Select(model.Collator.Encode).ToList();
                var validationGroups = validationItems.Select(model.Collator.Encode).ToList();
                stdout.WriteLine(FormattableString.Invariant(
                    $"data: {trainGroups.Count} training prompts ({trainGroups.Sum(g => g.Pairs().Count())} pairs), {validationGroups.Count} held-out prompts ({validationGroups.Sum(g => g.Pairs().Count())} pairs)"));
                var trainer = new RewardModelTrainer(model, training);
                trainer.Evaluated += e => stdout.WriteLine(Describe(e));
                var result = trainer.Train(trainGroups, validationGroups, cancellationToken);
                var now = DateTimeOffset.UtcNow;
                var lines = result.History.Select(e => MetricsJsonlWriter.Format(new MetricsRecord(e.Step, "eval", new Dictionary<string, double>
                {
                    ["train_loss"] = e.TrainLoss,
                    ["loss"] = e.Loss,
                    ["accuracy"] = e.Metrics.Accuracy,
                    ["kendall_tau"] = e.Metrics.KendallTau,
                    ["spearman_rho"] = e.Metrics.SpearmanRho,
                }), now));
                AtomicFile.WriteAllText(Path.Combine(runFolder, "metrics.jsonl"), string.Join('\n', lines) + "\n");
                stdout.WriteLine(FormattableString.Invariant(
                    $"held-out accuracy {result.Initial.Metrics.Accuracy:F3} -> {result.Final.Metrics.Accuracy:F3} after {result.Steps} steps; checkpoint {result.LastCheckpoint}"));
                return Task.FromResult(0);
            }
            catch (Exception e) when (e is TrmDataException or TrmCheckpointException or ArgumentException or InvalidOperationException)
            {
                stderr.WriteLine($"error: {e.Message}");
                return Task.FromResult(2);
            }
        });
        return command;
    }

    private static TrmRewardModel CreateModel(string? initFrom, string? tokenizerSpec, RewardModelOptions options, int hidden, int layers, int heads, int seed, Device device)
    {
        if (initFrom is not null)
        {
            var checkpoint = TrmCheckpoint.Open(initFrom);
            var spec = tokenizerSpec ?? checkpoint.Metadata.GetValueOrDefault("tokenizer") ?? "gpt2";
            if (tokenizerSpec is null && spec.StartsWith("char:", StringComparison.OrdinalIgnoreCase) && !Path.IsPathRooted(spec[5..]))
                spec = "char:" + checkpoint.FilePath(spec[5..]);
            var trunk = checkpoint.LoadModel(device);
            trunk.Train();
            return new TrmRewardModel(trunk, Tokenizer.FromName(spec), options, new Generator(seed));
        }
        var tokenizer = Tokenizer.FromName(tokenizerSpec ?? "gpt2");
        var config = (TrmConfig.Chat with
        {
            VocabSize = ChatTemplate.Create(tokenizer).Tokenizer.VocabSize,
            SeqLen = options.MaxLength,
            HiddenSize = hidden,
            NumHeads = heads,
            LLayers = layers,
        }).ForDevice(device);
        var fresh = new TrmModel(config, new Generator(seed));
        fresh.To(device);
        return new TrmRewardModel(fresh, tokenizer, options, new Generator(seed + 1));
    }

    private static string Describe(RewardEvaluation e) => string.Create(CultureInfo.InvariantCulture,
        $"step {e.Step,5}: train loss {(double.IsNaN(e.TrainLoss) ? "   -  " : e.TrainLoss.ToString("F4", CultureInfo.InvariantCulture))}  val loss {e.Loss:F4}  accuracy {e.Metrics.Accuracy:F3}  kendall {e.Metrics.KendallTau:F3}  spearman {e.Metrics.SpearmanRho:F3}");
}
