using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Trm.Core.IO;
using Trm.Data;
using Trm.Inference.Generation;
using Trm.Model.Checkpoints;
using Trm.Rl.Evaluation;
using Trm.Training;
using Trm.Training.Evaluation;

namespace Trm.Cli.Commands;

/// <summary>
/// <c>trm eval-chat --task gsm8k --data test.jsonl --checkpoint checkpoints/sft -n 4 -t 1.0 -k 50 -x 100</c>: evaluates a chat
/// checkpoint: generative pass@k (<c>gsm8k</c>) or categorical multiple choice (<c>arc-easy</c>, <c>arc-challenge</c>,
/// <c>mmlu</c>, <c>mc</c>).
/// </summary>
public static class EvalChatCommand
{
    /// <summary>The tasks and their kind (true: generative).</summary>
    private static readonly Dictionary<string, bool> Tasks = new(StringComparer.OrdinalIgnoreCase)
    {
        ["gsm8k"] = true,
        ["arc-easy"] = false,
        ["arc-challenge"] = false,
        ["mmlu"] = false,
        ["mc"] = false,
    };

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var task = new Option<string>("--task", "-a") { Description = "gsm8k (pass@k), or arc-easy, arc-challenge, mmlu, mc (multiple choice).", Required = true };
        var data = new Option<string>("--data", "-i") { Description = "The task's JSONL file (GSM8K; ARC or MMLU-style multiple choice).", Required = true };
        var checkpoint = new Option<string>("--checkpoint") { Description = "A chat checkpoint (step_N or run folder, or a model.safetensors file).", Required = true };
        var samples = new Option<int>("--samples", "-n") { Description = "Samples per problem (pass@1…pass@n).", DefaultValueFactory = _ => 1 };
        var topK = new Option<int>("--top-k", "-k") { Description = "Top-k sampling filter; 0 = off.", DefaultValueFactory = _ => 50 };
        var temperature = new Option<double>("--temperature", "-t") { Description = "Sampling temperature; 0 = greedy.", DefaultValueFactory = _ => 0.0 };
        var maxNew = new Option<int>("--max-new-tokens", "-m") { Description = "Most tokens per reply.", DefaultValueFactory = _ => 512 };
        var maxProblems = new Option<int?>("--max-problems", "-x") { Description = "Evaluate at most this many problems." };
        var batchSize = new Option<int>("--batch-size", "-b") { Description = "Prompts per batch.", DefaultValueFactory = _ => 8 };
        var seed = new Option<long>("--seed") { Description = "Sampling seed.", DefaultValueFactory = _ => 0 };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "gpt2 or char:<vocab.json>; default: the checkpoint's." };
        var device = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var output = new Option<string?>("--output") { Description = "Also write the metrics to this JSON file." };
        var command = new Command("eval-chat", "Evaluate a chat checkpoint: pass@k on GSM8K-style problems, accuracy on multiple choice.");
        foreach (var option in new Option[] { task, data, checkpoint, samples, topK, temperature, maxNew, maxProblems, batchSize, seed, tokenizer, device, output })
        {
            command.Options.Add(option);
        }

        command.SetAction((parseResult, cancellationToken) =>
        {
            var stdout = parseResult.InvocationConfiguration.Output;
            var stderr = parseResult.InvocationConfiguration.Error;
            var name = parseResult.GetValue(task)!;
            if (!Tasks.TryGetValue(name, out var generative))
            {
                stderr.WriteLine($"error: unknown --task '{name}' (known: {string.Join(", ", Tasks.Keys)})");
                return Task.FromResult(2);
            }
            try
            {
                var builder = TextGenerator.CreateBuilder().FromCheckpoint(parseResult.GetValue(checkpoint)!)
                    .OnDevice(TrainerBuilder.ResolveDevice(parseResult.GetValue(device)!));
                if (parseResult.GetValue(tokenizer) is { } spec) builder.WithTokenizer(spec);
                using var generator = builder.Build();
                var path = parseResult.GetValue(data)!;
                var max = parseResult.GetValue(maxProblems);
                ModelEvaluation result;
                if (generative)
                {
                    var evaluator = new GenerativeEvaluator(name.ToLowerInvariant(), ChatTasks.ReadGsm8k(path, max), generator.Tokenizer, new GenerativeEvalOptions
                    {
                        Samples = parseResult.GetValue(samples),
                        Temperature = parseResult.GetValue(temperature),
                        TopK = parseResult.GetValue(topK),
                        MaxNewTokens = parseResult.GetValue(maxNew),
                        Seed = parseResult.GetValue(seed),
                        BatchSize = parseResult.GetValue(batchSize),
                    });
                    result = evaluator.EvaluateLanguageModel(generator.Model, cancellationToken);
                }
                else
                {
                    var evaluator = new MultipleChoiceEvaluator(name.ToLowerInvariant(), MultipleChoiceReader.Read(path, max), generator.Tokenizer, parseResult.GetValue(batchSize));
                    result = evaluator.EvaluateLanguageModel(generator.Model, cancellationToken);
                }
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result.Name}: {result.Problems} problems"));
                foreach (var (metric, value) in result.Metrics.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {metric,-10} {value:F4}"));
                if (parseResult.GetValue(output) is { } file)
                {
                    AtomicFile.WriteAllText(file, JsonSerializer.Serialize(new Dictionary<string, object>
                    {
                        ["task"] = result.Name,
                        ["problems"] = result.Problems,
                        ["metrics"] = result.Metrics,
                    }));
                }
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
}
