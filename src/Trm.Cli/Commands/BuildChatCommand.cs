using System.CommandLine;
using Trm.Data;
using Trm.Data.Chat;
using Trm.Data.Oasst;
using Trm.Data.Readers;

namespace Trm.Cli.Commands;

/// <summary><c>trm data build-chat</c>: chat/instruction file → tokenized chat dataset with loss masks.</summary>
internal static class BuildChatCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input-file", "-i") { Description = "The chat/instruction file (JSON list or JSONL, optionally .gz, or Parquet).", Required = true };
        var outputDir = new Option<string>("--output-dir", "-o") { Description = "The dataset folder to write.", Required = true };
        var format = new Option<string>("--format") { Description = "Input format.", DefaultValueFactory = _ => "auto" };
        format.AcceptOnlyFromAmong("auto", "alpaca", "dolly", "sharegpt", "openassistant", "oasst", "jsonl_chat", "gsm8k", "alpaca_seed");
        var reasoning = new Option<string>("--reasoning") { Description = "JSONL chat, GSM8K: traces as think blocks, plain reply text, or dropped.", DefaultValueFactory = _ => "think" };
        reasoning.AcceptOnlyFromAmong("think", "plain", "drop");
        var tokenizer = new Option<string>("--tokenizer") { Description = "gpt2 or char:<vocab.json>.", DefaultValueFactory = _ => "gpt2" };
        var maxLength = new Option<int>("--max-length") { Description = "Maximum tokens per example.", DefaultValueFactory = _ => 2048 };
        var overLength = new Option<string>("--over-length") { Description = "What to do with longer examples.", DefaultValueFactory = _ => "truncate" };
        overLength.AcceptOnlyFromAmong("truncate", "drop");
        var trainSplit = new Option<double>("--train-split") { Description = "Fraction of examples in the train split.", DefaultValueFactory = _ => 0.95 };
        var subsample = new Option<int?>("--subsample-size") { Description = "Keep only N conversations, drawn with the seed." };
        var seed = new Option<long>("--seed") { Description = "Seed of the subsample and the split.", DefaultValueFactory = _ => 42L };
        var onMalformed = new Option<string>("--on-malformed") { Description = "fail on the first malformed record, or skip and count them.", DefaultValueFactory = _ => "fail" };
        onMalformed.AcceptOnlyFromAmong("fail", "skip");
        var threads = new Option<string>("--oasst-threads") { Description = "OASST: best-ranked path per tree, or every leaf path.", DefaultValueFactory = _ => "best" };
        threads.AcceptOnlyFromAmong("best", "all");
        var languages = new Option<string?>("--lang") { Description = "OASST: keep only these languages (comma-separated, e.g. en,es)." };
        var invalidUtf8 = InvalidUtf8Option.Create();
        var force = new Option<bool>("--force") { Description = "Rebuild even when the folder holds a dataset with the same fingerprint." };

        var command = new Command("build-chat", "Build a tokenized chat dataset (ids, loss masks, offsets, dataset.json).");
        foreach (var option in new Option[] { input, outputDir, format, reasoning, tokenizer, maxLength, overLength, trainSplit, subsample, seed, onMalformed, threads, languages, invalidUtf8, force })
            command.Options.Add(option);
        command.SetAction((parseResult, cancellationToken) => DataCommandRunner.RunAsync(parseResult, async output =>
        {
            var options = new ChatDatasetOptions
            {
                InputPath = parseResult.GetValue(input)!,
                Format = ParseFormat(parseResult.GetValue(format)!),
                Tokenizer = parseResult.GetValue(tokenizer)!,
                MaxLength = parseResult.GetValue(maxLength),
                OverLength = parseResult.GetValue(overLength) == "drop" ? OverLengthPolicy.Drop : OverLengthPolicy.Truncate,
                TrainSplit = parseResult.GetValue(trainSplit),
                SubsampleSize = parseResult.GetValue(subsample),
                Seed = parseResult.GetValue(seed),
                OnMalformed = parseResult.GetValue(onMalformed) == "skip" ? MalformedRecordPolicy.Skip : MalformedRecordPolicy.Throw,
                Reasoning = parseResult.GetValue(reasoning) switch { "plain" => ReasoningTraces.Plain, "drop" => ReasoningTraces.Drop, _ => ReasoningTraces.Think },
                InvalidUtf8 = InvalidUtf8Option.Parse(parseResult.GetValue(invalidUtf8)!),
                Oasst = new OasstOptions
                {
                    ThreadMode = parseResult.GetValue(threads) == "all" ? OasstThreadMode.AllLeaves : OasstThreadMode.BestRanked,
                    Languages = parseResult.GetValue(languages) is { } list ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet() : null,
                },
            };
            var progress = new DataCommandRunner.LineProgress<ChatBuildProgress>(output, p => p.Stage == "tokenize" && p.Done != p.Total ? null : $"  {p.Stage}: {p.Done:N0}");
            var result = await new ChatDatasetBuilder().WithOptions(options).Force(parseResult.GetValue(force))
                .BuildAsync(parseResult.GetValue(outputDir)!, progress, cancellationToken);
            if (result.Reused)
            {
                output.WriteLine($"{result.Directory}: up to date (fingerprint {result.Info.Fingerprint[..16]}…); use --force to rebuild");
                return 0;
            }
            foreach (var skip in result.ReadReport.Skips)
                output.WriteLine($"  skipped {skip.Message}");
            if (result.Info.Counts.InvalidUtf8 > 0)
                output.WriteLine("  " + InvalidUtf8Option.Describe(result.Info.Counts.InvalidUtf8, options.InvalidUtf8));
            ChatDatasetInspector.Summarise(result.Info, output);
            output.WriteLine($"wrote {result.Directory}");
            return 0;
        }));
        return command;
    }

    private static ChatFormat ParseFormat(string name) => name switch
    {
        "alpaca" => ChatFormat.Alpaca,
        "dolly" => ChatFormat.Dolly,
        "sharegpt" => ChatFormat.ShareGpt,
        "openassistant" => ChatFormat.OpenAssistant,
        "oasst" => ChatFormat.Oasst,
        "jsonl_chat" => ChatFormat.JsonlChat,
        "gsm8k" => ChatFormat.Gsm8k,
        "alpaca_seed" => ChatFormat.AlpacaSeed,
        _ => ChatFormat.Auto,
    };
}
