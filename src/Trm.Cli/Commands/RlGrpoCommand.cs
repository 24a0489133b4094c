using System.CommandLine;
using System.Globalization;
using Trm.Cli.Distributed;
using Trm.Model.Checkpoints;
using Trm.Rl.Grpo;
using Trm.Rl.Rewards;
using Trm.Rl.Tasks;
using Trm.Training;

namespace Trm.Cli.Commands;

/// <summary>
/// <c>trm rl grpo --checkpoint runs/sft --task addition --output runs/grpo [--preset baseline|mixed] [--mix a:0.7,b:0.3]</c>:
/// GRPO from a chat checkpoint on verifiable tasks, pass@1 on held-out problems at the start, every <c>--eval-every</c>
/// steps and at the end, checkpoints and <c>metrics.jsonl</c> in the output folder.
/// </summary>
internal static class RlGrpoCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "The starting chat checkpoint (step_N folder, run folder or .safetensors).", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Run folder for checkpoints (step_N) and metrics.jsonl.", Required = true };
        var tasks = new Option<string[]>("--task") { Description = "A training task: addition, reversal, or name=path of a GSM8K/chat JSONL file (repeat for a mix).", Required = true, AllowMultipleArgumentsPerToken = false };
        var mix = new Option<string?>("--mix") { Description = "Task weights, e.g. gsm8k:0.45,addition:0.55 (normalised; default equal)." };
        var eval = new Option<string[]>("--eval") { Description = "A held-out task (same forms as --task; a synthetic task gets problems outside the training ones). Default: each synthetic training task." };
        var preset = new Option<string>("--preset") { Description = "baseline (nanochat's single-task GSM8K RL) or mixed (the mixed-task recipe with KL and clipping).", DefaultValueFactory = _ => "baseline" };
        var reward = new Option<string?>("--reward") { Description = "Override every task's reward: gsm8k, exact, format, puzzle or a sum like exact+0.1*format." };
        var problems = new Option<int>("--problems") { Description = "Problems of each synthetic training task (the most read from a file).", DefaultValueFactory = _ => 10_000 };
        var evalProblems = new Option<int>("--eval-problems") { Description = "Held-out problems per task.", DefaultValueFactory = _ => 100 };
        var steps = new Option<int?>("--steps") { Description = "Steps (default: the preset's)." };
        var group = new Option<int?>("--group-size", "-g") { Description = "Samples per prompt." };
        var prompts = new Option<int?>("--prompts-per-step") { Description = "Prompts per step." };
        var maxNew = new Option<int?>("--max-new-tokens") { Description = "Most tokens per sample." };
        var temperature = new Option<double?>("--temperature") { Description = "Rollout temperature." };
        var topK = new Option<int?>("--top-k") { Description = "Rollout top-k (0 = off)." };
        var lr = new Option<double?>("--lr") { Description = "Learning rate." };
        var kl = new Option<double?>("--kl-coef") { Description = "Weight of the k3 KL penalty to the starting model." };
        var epochs = new Option<int?>("--epochs") { Description = "Passes over each rollout batch." };
        var minibatch = new Option<int?>("--minibatch") { Description = "Samples per update (0 = the whole batch)." };
        var evalEvery = new Option<int?>("--eval-every") { Description = "Evaluate every N steps." };
        var checkpointEvery = new Option<int?>("--checkpoint-every") { Description = "Write a checkpoint every N steps (0 = only the last)." };
        var clipMode = new Option<string?>("--clip-mode") { Description = "Importance-ratio bound: none, ppo or truncated." };
        var clipLow = new Option<double?>("--clip-low") { Description = "ε_low: the ratio's lower bound is 1 − ε_low." };
        var clipHigh = new Option<double?>("--clip-high") { Description = "ε_high: the ratio's upper bound is 1 + ε_high." };
        var advantageClip = new Option<double?>("--advantage-clip") { Description = "Clip advantages to ±this (0 = off)." };
        var normalizeStd = new Option<bool?>("--normalize-std") { Description = "Divide advantages by the group's reward std." };
        var dropEqual = new Option<bool?>("--drop-equal-groups") { Description = "Drop groups whose rewards are all equal." };
        var gradClip = new Option<double?>("--grad-clip") { Description = "Clip the gradient norm to this (0 = off)." };
        var lengthPenalty = new Option<string?>("--length-penalty") { Description = "none, linear (coef·over) or dapo (coef·over/target)." };
        var lengthCoef = new Option<double?>("--length-penalty-coef") { Description = "The length penalty's coefficient." };
        var lengthTarget = new Option<int?>("--length-penalty-target") { Description = "Replies up to this many tokens are not penalised." };
        var seed = new Option<long>("--seed") { Description = "Seed of the synthetic tasks, problem sampling and rollouts.", DefaultValueFactory = _ => 0 };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "gpt2 or char:<vocab.json>; default: the checkpoint's." };
        var device = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var command = new Command("grpo", "GRPO on verifiable tasks from a chat checkpoint (presets: the single-task baseline and the mixed-task recipe).");
        foreach (var option in new Option[] { checkpoint, output, tasks, mix, eval, preset, reward, problems, evalProblems, steps, group, prompts, maxNew, temperature, topK, lr, kl, epochs, minibatch, evalEvery, checkpointEvery, clipMode, clipLow, clipHigh, advantageClip, normalizeStd, dropEqual, gradClip, lengthPenalty, lengthCoef, lengthTarget, seed, tokenizer, device })
            command.Options.Add(option);

        command.SetAction((parseResult, cancellationToken) => Task.FromResult(Run(parseResult, cancellationToken)));
        return command;

        int Run(ParseResult parseResult, CancellationToken cancellationToken)
        {
            var console = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            try
            {
                var p = GrpoOptions.Preset(parseResult.GetValue(preset)!);
                p = p with
                {
                    Steps = parseResult.GetValue(steps) ?? p.Steps,
                    GroupSize = parseResult.GetValue(group) ?? p.GroupSize,
                    PromptsPerStep = parseResult.GetValue(prompts) ?? p.PromptsPerStep,
                    MaxNewTokens = parseResult.GetValue(maxNew) ?? p.MaxNewTokens,
                    Temperature = parseResult.GetValue(temperature) ?? p.Temperature,
                    TopK = parseResult.GetValue(topK) ?? p.TopK,
                    LearningRate = parseResult.GetValue(lr) ?? p.LearningRate,
                    KlCoef = parseResult.GetValue(kl) ?? p.KlCoef,
                    Epochs = parseResult.GetValue(epochs) ?? p.Epochs,
                    MinibatchSize = parseResult.GetValue(minibatch) ?? p.MinibatchSize,
                    EvalEvery = parseResult.GetValue(evalEvery) ?? p.EvalEvery,
                    CheckpointEvery = parseResult.GetValue(checkpointEvery) ?? p.CheckpointEvery,
                    ClipMode = parseResult.GetValue(clipMode) is { } cm ? ParseEnum<GrpoClipMode>(cm, "--clip-mode") : p.ClipMode,
                    ClipLow = parseResult.GetValue(clipLow) ?? p.ClipLow,
                    ClipHigh = parseResult.GetValue(clipHigh) ?? p.ClipHigh,
                    AdvantageClip = parseResult.GetValue(advantageClip) ?? p.AdvantageClip,
                    NormalizeAdvantageStd = parseResult.GetValue(normalizeStd) ?? p.NormalizeAdvantageStd,
                    DropEqualRewardGroups = parseResult.GetValue(dropEqual) ?? p.DropEqualRewardGroups,
                    GradClipNorm = parseResult.GetValue(gradClip) ?? p.GradClipNorm,
                    LengthPenalty = parseResult.GetValue(lengthPenalty) is { } lp ? ParseEnum<GrpoLengthPenalty>(lp, "--length-penalty") : p.LengthPenalty,
                    LengthPenaltyCoef = parseResult.GetValue(lengthCoef) ?? p.LengthPenaltyCoef,
                    LengthPenaltyTarget = parseResult.GetValue(lengthTarget) ?? p.LengthPenaltyTarget,
                    Seed = parseResult.GetValue(seed),
                };
                p.Validate();
                var rewardOverride = parseResult.GetValue(reward) is { } r ? RewardFunctions.Parse(r) : null;
                long taskSeed = parseResult.GetValue(seed);
                int count = parseResult.GetValue(problems);
                var taskSpecs = parseResult.GetValue(tasks)!;
                var builder = GrpoTrainer.CreateBuilder()
                    .FromCheckpoint(parseResult.GetValue(checkpoint)!, parseResult.GetValue(tokenizer))
                    .OnDevice(TrainerBuilder.ResolveDevice(parseResult.GetValue(device)!))
                    .WithOptions(p)
                    .WithOutputDirectory(parseResult.GetValue(output)!);
                foreach (var spec in taskSpecs) builder.WithTask(RlTasks.Parse(spec, taskSeed, count, rewardOverride));
                if (parseResult.GetValue(mix) is { } m) builder.WithTaskMix(m);
                var evalSpecs = parseResult.GetValue(eval) is { Length: > 0 } given ? given : taskSpecs.Where(s => RlTasks.Synthetic(s) is not null).ToArray();
                foreach (var spec in evalSpecs) builder.WithEvalTask(RlTasks.ParseHeldOut(spec, taskSeed, count, parseResult.GetValue(evalProblems), rewardOverride));

                // A worker started torchrun-style (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT, or Slurm's variables) joins its group.
                using var processGroup = DistributedEnvironment.Read()?.Join(TimeSpan.FromMinutes(5));
                if (processGroup is not null) builder.WithProcessGroup(processGroup);
                using var grpo = builder.Build();
                if (grpo.Rank != 0) console = TextWriter.Null; // rank 0 reports for all
                var progress = new TrainingConsole.SyncProgress<GrpoStepMetrics>(s => console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"step {s.Step}: reward {s.RewardMean:F3} ± {s.RewardStd:F3}  pass@1 {s.Pass1:F3}  kl {s.Kl:F4}  clip {s.ClipFraction:F3}  entropy {s.Entropy:F3}  length {s.ResponseLength:F1}")));
                var result = grpo.Train(progress, cancellationToken);
                foreach (var e in result.Evaluations)
                    console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"eval step {e.Step}: held-out pass@1 {e.Pass1:F3}"));
                console.WriteLine($"checkpoint: {result.Checkpoint}");
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or InvalidDataException or TrmCheckpointException or Trm.Data.TrmDataException)
            {
                error.WriteLine($"error: {e.Message}");
                return 2;
            }
        }
    }

    private static T ParseEnum<T>(string value, string option) where T : struct, Enum =>
        Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw new ArgumentException($"{option} '{value}': expected {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}");
}
