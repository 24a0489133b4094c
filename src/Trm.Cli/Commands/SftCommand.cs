using System.CommandLine;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Trm.Data;
using Trm.Data.Chat;
using Trm.Data.Sft;
using Trm.Inference.Generation;
using Trm.Model.Checkpoints;
using Trm.Model.Configuration;
using Trm.Torch;
using Trm.Training;
using Trm.Training.Configuration;

namespace Trm.Cli.Commands;

/// <summary>
/// <c>trm sft --recipe r1_ot_mixed --source checkpoints/base --chat-ratio 0.3 --stop 500 data/gsm8k.jsonl data/chat.jsonl lr=1e-4</c>:
/// builds the recipe's SFT mixture (as <c>trm data build-sft</c>) with the source checkpoint's tokenizer and context, then
/// fine-tunes the checkpoint's weights on it with the trainer in a new run folder (<c>arch=trm_chat</c>'s training values,
/// then the overrides). Positional arguments with <c>=</c> are overrides, the others the mixture's sources.
/// </summary>
internal static class SftCommand
{
    public static Command Create()
    {
        var recipe = new Option<string>("--recipe", "-r") { Description = "The SFT recipe.", DefaultValueFactory = _ => "default" };
        recipe.AcceptOnlyFromAmong("default", "cold_start", "r1_ot", "r1_ot_mixed", "r1_rs_sft");
        var source = new Option<string>("--source") { Description = "The checkpoint to fine-tune: a step_N folder or a run folder (its latest step).", Required = true };
        var chatRatio = new Option<double>("--chat-ratio") { Description = "Fraction of plain chat (r1_ot_mixed, r1_rs_sft).", DefaultValueFactory = _ => SftRecipes.DefaultChatRatio };
        var stop = new Option<int?>("--stop") { Description = "The recipe's stop: ot_stop (cold_start, r1_ot_mixed), rs_cot_stop (r1_rs_sft), chat stop (default)." };
        var seed = new Option<long>("--seed") { Description = "Seed of the mixture's shuffle and split.", DefaultValueFactory = _ => 42L };
        var outputDir = new Option<string?>("--output-dir", "-o") { Description = "Where the mixture's chat dataset is written (default data/sft-<recipe>)." };
        var maxLength = new Option<int?>("--max-length") { Description = "Maximum tokens per example (default: the checkpoint's positions + 1)." };
        var trainSplit = new Option<double>("--train-split") { Description = "Fraction of the mixture in the train split.", DefaultValueFactory = _ => 0.95 };
        var verbose = new Option<bool>("--verbose") { Description = "Log every few steps instead of showing a progress bar." };
        var arguments = new Argument<string[]>("sources-and-overrides")
        {
            Description = "Mixture sources ([reasoning:|chat:|rs:]PATH, as trm data build-sft --source) and training overrides (key=value, e.g. lr=1e-4 epochs=1 +run_name=sft).",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("sft", "Supervised fine-tuning: build a recipe's SFT mixture and fine-tune a chat checkpoint on it (new run folder).");
        foreach (var option in new Option[] { recipe, source, chatRatio, stop, seed, outputDir, maxLength, trainSplit, verbose })
            command.Options.Add(option);
        command.Arguments.Add(arguments);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var tokens = parseResult.GetValue(arguments) ?? [];
            var overrides = tokens.Where(t => t.Contains('=', StringComparison.Ordinal)).ToList();
            var sources = tokens.Where(t => !t.Contains('=', StringComparison.Ordinal)).ToList();
            var recipeName = parseResult.GetValue(recipe)!;
            try
            {
                if (sources.Count == 0) throw new TrmDataException("no mixture sources were given (paths after the options)");
                var checkpoint = TrmCheckpoint.Open(parseResult.GetValue(source)!);
                if (!checkpoint.Config.Causal)
                    throw new TrmCheckpointException(checkpoint.Path, "is not a causal language model (arch.causal is false): SFT fine-tunes a chat model");
                var tokenizer = checkpoint.Metadata.GetValueOrDefault(TextGeneratorBuilder.TokenizerMetadataKey) ?? "gpt2";
                if (tokenizer.StartsWith("char:", StringComparison.OrdinalIgnoreCase) && !Path.IsPathRooted(tokenizer[5..]))
                    tokenizer = "char:" + checkpoint.FilePath(tokenizer[5..]);

                var data = parseResult.GetValue(outputDir) ?? Path.Combine("data", $"sft-{recipeName}");
                var mixture = await BuildSftCommand.Recipe(recipeName, sources, parseResult.GetValue(stop), parseResult.GetValue(chatRatio), parseResult.GetValue(seed))
                    .WithTokenizer(tokenizer)
                    .WithMaxLength(parseResult.GetValue(maxLength) ?? checkpoint.Config.SeqLen + 1, OverLengthPolicy.Truncate)
                    .WithTrainSplit(parseResult.GetValue(trainSplit))
                    .BuildAsync(data, null, cancellationToken);
                AnsiConsole.MarkupLine(Markup.Escape(mixture.Manifest.ToString()));
                AnsiConsole.MarkupLine($"[bold]mixture[/] {Markup.Escape(mixture.Directory)}: {mixture.Dataset.Info.Counts.TrainExamples:N0} train, {mixture.Dataset.Info.Counts.ValExamples:N0} val examples");

                var config = ConfigLoader.Load(["arch=trm_chat", $"data_paths=[{mixture.Directory}]", $"+run_name=sft-{recipeName}", .. overrides]);
                using var model = checkpoint.LoadModel();
                using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
                var builder = Trainer.CreateBuilder().WithConfig(config).WithModel(model);
                if (parseResult.GetValue(verbose)) builder.WithLogger(loggerFactory.CreateLogger<Trainer>(), interval: 10);
                using var trainer = builder.Build();
                AnsiConsole.MarkupLine($"[bold]sft[/] {Markup.Escape(trainer.RunName)}: fine-tuning {Markup.Escape(checkpoint.Path)} (step {checkpoint.Step}) for {trainer.StepLimit} steps on {trainer.Device}, checkpoints in {Markup.Escape(trainer.CheckpointRoot)}");
                var result = parseResult.GetValue(verbose) ? trainer.Run(null, cancellationToken) : TrainingConsole.Run(trainer, cancellationToken);
                AnsiConsole.MarkupLine($"[green]done[/]: {result.Steps} steps in {result.Elapsed:hh\\:mm\\:ss} ({Markup.Escape(result.StopReason)}); last checkpoint {Markup.Escape(result.LastCheckpoint ?? "none")}");
                return 0;
            }
            catch (Exception e) when (e is TrmConfigException or TrmDataException or TrmCheckpointException or ArgumentException or IOException)
            {
                Console.Error.WriteLine($"error: {e.Message.Split(" (Parameter '")[0]}");
                return 2;
            }
            catch (NonFiniteTrainingException e)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
        });
        return command;
    }
}
