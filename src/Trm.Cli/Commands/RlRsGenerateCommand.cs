using System.CommandLine;
using System.Globalization;
using Trm.Model.Checkpoints;
using Trm.Rl.Policies;
using Trm.Rl.RejectionSampling;
using Trm.Rl.Rewards;
using Trm.Rl.Tasks;
using Trm.Training;

namespace Trm.Cli.Commands;

/// <summary>
/// <c>trm rl rs-generate --checkpoint runs/sft --task addition --output rs.jsonl [-k 8] [--select verifier|top-r]</c>:
/// rejection sampling to <c>{"messages":[…]}</c> JSONL with provenance, for the <c>r1_rs_sft</c> recipe. Resumable: run
/// the same command again after an interruption and it carries on where it stopped.
/// </summary>
internal static class RlRsGenerateCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "The chat checkpoint to sample from.", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "The JSONL file (appended; a .progress file beside it makes the run resumable).", Required = true };
        var tasks = new Option<string[]>("--task") { Description = "addition, reversal, or name=path of a GSM8K/chat JSONL file (repeatable).", Required = true };
        var maxProblems = new Option<int>("--max-problems") { Description = "Problems per task.", DefaultValueFactory = _ => 1000 };
        var samples = new Option<int>("--samples", "-k") { Description = "Samples per prompt.", DefaultValueFactory = _ => 8 };
        var temperature = new Option<double>("--temperature", "-t") { Description = "Sampling temperature.", DefaultValueFactory = _ => 1.0 };
        var topK = new Option<int>("--top-k") { Description = "Top-k (0 = off).", DefaultValueFactory = _ => 50 };
        var maxNew = new Option<int>("--max-new-tokens") { Description = "Most tokens per sample.", DefaultValueFactory = _ => 256 };
        var select = new Option<string>("--select") { Description = "verifier (keep correct samples) or top-r (the best r by reward).", DefaultValueFactory = _ => "verifier" };
        var topR = new Option<int>("--top-r") { Description = "With --select top-r: how many to keep.", DefaultValueFactory = _ => 3 };
        var minReward = new Option<double?>("--min-reward") { Description = "With --select top-r: never keep a sample below this reward." };
        var maxPerPrompt = new Option<int>("--max-per-prompt") { Description = "Most records written per prompt.", DefaultValueFactory = _ => 1 };
        var reward = new Option<string?>("--reward") { Description = "Score samples with this reward instead of the task's (gsm8k, exact, format, puzzle, sums)." };
        var seed = new Option<long>("--seed") { Description = "Base seed (each prompt's seed derives from it and the problem id).", DefaultValueFactory = _ => 0 };
        var taskSeed = new Option<long>("--task-seed") { Description = "Seed of the synthetic tasks' problems.", DefaultValueFactory = _ => 0 };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "gpt2 or char:<vocab.json>; default: the checkpoint's." };
        var device = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var command = new Command("rs-generate", "Rejection sampling: k samples per prompt, kept by the verifier or the top r by reward, written as messages JSONL for RS-SFT (resumable).");
        foreach (var option in new Option[] { checkpoint, output, tasks, maxProblems, samples, temperature, topK, maxNew, select, topR, minReward, maxPerPrompt, reward, seed, taskSeed, tokenizer, device })
            command.Options.Add(option);

        command.SetAction((parseResult, cancellationToken) => Task.FromResult(Run(parseResult, cancellationToken)));
        return command;

        int Run(ParseResult parseResult, CancellationToken cancellationToken)
        {
            var console = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            try
            {
                var selection = parseResult.GetValue(select)!.Trim().ToLowerInvariant() switch
                {
                    "verifier" => RejectionSelection.Verifier,
                    "top-r" or "topr" => RejectionSelection.TopR,
                    var other => throw new ArgumentException($"--select '{other}': expected verifier or top-r"),
                };
                var path = parseResult.GetValue(checkpoint)!;
                var options = new RejectionSamplingOptions
                {
                    SamplesPerPrompt = parseResult.GetValue(samples),
                    Temperature = parseResult.GetValue(temperature),
                    TopK = parseResult.GetValue(topK),
                    MaxNewTokens = parseResult.GetValue(maxNew),
                    Selection = selection,
                    TopR = parseResult.GetValue(topR),
                    MinReward = parseResult.GetValue(minReward) ?? double.NegativeInfinity,
                    MaxPerPrompt = parseResult.GetValue(maxPerPrompt),
                    Seed = parseResult.GetValue(seed),
                };
                options.Validate();
                var scorer = parseResult.GetValue(reward) is { } r ? RewardFunctions.Parse(r) : null;
                int max = parseResult.GetValue(maxProblems);
                var taskList = parseResult.GetValue(tasks)!.Select(s => RlTasks.Parse(s, parseResult.GetValue(taskSeed), max, scorer)).ToArray();
                var (model, baseTokenizer, loaded) = PolicyCheckpoint.Load(path, parseResult.GetValue(tokenizer), TrainerBuilder.ResolveDevice(parseResult.GetValue(device)!));
                using (model)
                {
                    using var sampler = new RejectionSampler(model, baseTokenizer, options with { Checkpoint = loaded.Path }, scorer);
                    var report = sampler.Run(taskList, parseResult.GetValue(output)!, max, cancellationToken);
                    console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{report.Problems} problems sampled ({report.Resumed} done before), {report.Samples} samples, {report.Accepted} accepted ({report.AcceptRate * 100:F1}%), {report.Written} records written to {report.OutputPath}"));
                }
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or InvalidDataException or TrmCheckpointException or Trm.Data.TrmDataException)
            {
                error.WriteLine($"error: {e.Message}");
                return 2;
            }
        }
    }
}
