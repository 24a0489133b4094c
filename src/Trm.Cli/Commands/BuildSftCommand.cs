using System.CommandLine;
using Trm.Data;
using Trm.Data.Chat;
using Trm.Data.Readers;
using Trm.Data.Sft;

namespace Trm.Cli.Commands;

/// <summary>
/// <c>trm data build-sft</c>: a named SFT recipe (<c>default</c>, <c>cold_start</c>, <c>r1_ot_mixed</c>, <c>r1_rs_sft</c>)
/// over local sources → a chat dataset plus <c>mixture.json</c> (per-source counts) and <c>mixture.jsonl</c>.
/// </summary>
internal static class BuildSftCommand
{
    public static Command Create()
    {
        var recipe = new Option<string>("--recipe", "-r") { Description = "The SFT recipe.", DefaultValueFactory = _ => "default" };
        recipe.AcceptOnlyFromAmong("default", "cold_start", "r1_ot", "r1_ot_mixed", "r1_rs_sft");
        var sources = new Option<string[]>("--source", "-s")
        {
            Description = "A source: [reasoning:|chat:|rs:]PATH (repeatable). PATH is a chat file (JSONL chat, GSM8K, seed tasks, Alpaca, ShareGPT…; JSON, JSONL, gzip or Parquet), "
                + "a folder of shards, or a built chat dataset. Without a prefix: GSM8K and JSONL chat with traces are reasoning (rs for r1_rs_sft), the rest chat.",
            AllowMultipleArgumentsPerToken = true,
            Required = true,
        };
        var outputDir = new Option<string>("--output-dir", "-o") { Description = "The dataset folder to write.", Required = true };
        var chatRatio = new Option<double>("--chat-ratio") { Description = "Fraction of plain chat (r1_ot_mixed, r1_rs_sft).", DefaultValueFactory = _ => SftRecipes.DefaultChatRatio };
        var stop = new Option<int?>("--stop") { Description = "The recipe's stop: ot_stop (cold_start, r1_ot_mixed; default 500,000), rs_cot_stop (r1_rs_sft; 100,000), chat stop (default; 10,000)." };
        var seed = new Option<long>("--seed") { Description = "Seed of the shuffle and of the train/validation split.", DefaultValueFactory = _ => 42L };
        var tokenizer = new Option<string>("--tokenizer") { Description = "gpt2 or char:<vocab.json>.", DefaultValueFactory = _ => "gpt2" };
        var maxLength = new Option<int>("--max-length") { Description = "Maximum tokens per example.", DefaultValueFactory = _ => 2048 };
        var overLength = new Option<string>("--over-length") { Description = "What to do with longer examples.", DefaultValueFactory = _ => "truncate" };
        overLength.AcceptOnlyFromAmong("truncate", "drop");
        var trainSplit = new Option<double>("--train-split") { Description = "Fraction of the mixture in the train split.", DefaultValueFactory = _ => 0.95 };
        var onMalformed = new Option<string>("--on-malformed") { Description = "fail on the first malformed record, or skip and count them.", DefaultValueFactory = _ => "fail" };
        onMalformed.AcceptOnlyFromAmong("fail", "skip");
        var force = new Option<bool>("--force") { Description = "Rebuild the chat dataset even when it is up to date." };

        var command = new Command("build-sft", "Build an SFT mixture from a named recipe: a chat dataset plus mixture.json with per-source counts.");
        foreach (var option in new Option[] { recipe, sources, outputDir, chatRatio, stop, seed, tokenizer, maxLength, overLength, trainSplit, onMalformed, force })
            command.Options.Add(option);
        command.SetAction((parseResult, cancellationToken) => DataCommandRunner.RunAsync(parseResult, async output =>
        {
            var builder = Recipe(parseResult.GetValue(recipe)!, parseResult.GetValue(sources) ?? [], parseResult.GetValue(stop), parseResult.GetValue(chatRatio), parseResult.GetValue(seed))
                .WithTokenizer(parseResult.GetValue(tokenizer)!)
                .WithMaxLength(parseResult.GetValue(maxLength), parseResult.GetValue(overLength) == "drop" ? OverLengthPolicy.Drop : OverLengthPolicy.Truncate)
                .WithTrainSplit(parseResult.GetValue(trainSplit))
                .OnMalformed(parseResult.GetValue(onMalformed) == "skip" ? MalformedRecordPolicy.Skip : MalformedRecordPolicy.Throw)
                .Force(parseResult.GetValue(force));
            var progress = new DataCommandRunner.LineProgress<ChatBuildProgress>(output, p => p.Stage == "tokenize" && p.Done != p.Total ? null : $"  {p.Stage}: {p.Done:N0}");
            var result = await builder.BuildAsync(parseResult.GetValue(outputDir)!, progress, cancellationToken);
            output.WriteLine(result.Manifest.ToString());
            if (result.Dataset.Reused)
                output.WriteLine($"{result.Directory}: chat dataset up to date (fingerprint {result.Dataset.Info.Fingerprint[..16]}…)");
            else
                ChatDatasetInspector.Summarise(result.Dataset.Info, output);
            output.WriteLine($"wrote {result.Directory}");
            return 0;
        }));
        return command;
    }

    /// <summary>The mixture builder of recipe <paramref name="name"/> over the sources <c>[role:]PATH</c> (shared with <c>trm sft</c>).</summary>
    internal static SftMixtureBuilder Recipe(string name, IEnumerable<string> sourceSpecs, int? stop, double chatRatio, long seed)
    {
        var which = SftRecipes.Parse(name);
        var reasoning = new List<SftSource>();
        var chat = new List<SftSource>();
        var rs = new List<SftSource>();
        foreach (var spec in sourceSpecs)
        {
            var (role, source) = ParseSource(spec, which);
            (role switch { "reasoning" => reasoning, "rs" => rs, _ => chat }).Add(source);
        }
        return SftRecipes.Create(which, new SftRecipeInputs
        {
            Reasoning = reasoning,
            Chat = chat,
            RejectionSampled = rs,
            Stop = stop,
            ChatRatio = chatRatio,
            Seed = seed,
        });
    }

    /// <summary>Turns <c>[role:]PATH</c> into a source and its role in the recipe.</summary>
    internal static (string Role, SftSource Source) ParseSource(string spec, SftRecipe recipe)
    {
        string? role = null;
        var path = spec;
        foreach (var prefix in new[] { "reasoning", "chat", "rs" })
        {
            if (spec.StartsWith(prefix + ":", StringComparison.Ordinal))
            {
                role = prefix;
                path = spec[(prefix.Length + 1)..];
            }
        }
        SftSource source;
        if (Directory.Exists(path) && ChatDataset.Exists(path))
        {
            source = SftSource.FromChatDataset(path);
            return (role ?? "chat", source);
        }
        if (Directory.Exists(path))
        {
            var shards = Directory.EnumerateFiles(path).Where(f => f.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)
                || f.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
            if (shards.Count == 0)
                throw new TrmDataException("the folder holds no chat dataset and no .parquet/.jsonl/.json/.gz file", path, null, null);
            source = SftSource.FromFiles(shards, name: Path.GetFileName(Path.TrimEndingDirectorySeparator(path)));
            path = shards[0];
        }
        else
        {
            source = SftSource.FromFile(path);
        }
        if (role is null)
        {
            var format = ChatFormatDetector.Detect(path);
            role = format switch
            {
                ChatFormat.Gsm8k => "reasoning",
                ChatFormat.JsonlChat => recipe == SftRecipe.R1RsSft ? "rs" : "reasoning",
                _ => "chat",
            };
        }
        return (role, source);
    }
}
