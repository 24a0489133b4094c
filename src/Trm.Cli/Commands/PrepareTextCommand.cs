using System.CommandLine;
using Trm.Data.TokenStream;

namespace Trm.Cli.Commands;

/// <summary><c>trm data prepare-text</c>: raw text → nanoGPT layout (train.bin, val.bin, meta.json).</summary>
internal static class PrepareTextCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input", "-i") { Description = "The UTF-8 text file.", Required = true };
        var tokenizer = new Option<string>("--tokenizer") { Description = "char (the text's own characters), gpt2, or char:<vocab.json>.", DefaultValueFactory = _ => "char" };
        var valFraction = new Option<double>("--val-fraction") { Description = "Fraction of the text (from the end) in val.bin.", DefaultValueFactory = _ => 0.1 };
        var outputDir = new Option<string>("--output-dir", "-o") { Description = "The dataset folder, e.g. data/shakespeare_char.", Required = true };
        var invalidUtf8 = InvalidUtf8Option.Create();
        var command = new Command("prepare-text", "Tokenize a text file into the nanoGPT layout (train.bin, val.bin, meta.json).");
        foreach (var option in new Option[] { input, tokenizer, valFraction, outputDir, invalidUtf8 })
            command.Options.Add(option);
        command.SetAction((parseResult, cancellationToken) => DataCommandRunner.RunAsync(parseResult, output =>
        {
            var progress = new DataCommandRunner.LineProgress<string>(output, line => "  " + line);
            var meta = TextDatasetPreparer.Prepare(new TextDatasetOptions
            {
                InputPath = parseResult.GetValue(input)!,
                OutputDirectory = parseResult.GetValue(outputDir)!,
                Tokenizer = parseResult.GetValue(tokenizer)!,
                ValFraction = parseResult.GetValue(valFraction),
                InvalidUtf8 = InvalidUtf8Option.Parse(parseResult.GetValue(invalidUtf8)!),
            }, progress, cancellationToken);
            output.WriteLine($"vocab_size {meta.VocabSize} ({meta.Tokenizer}, {meta.Dtype}); train.bin {meta.TrainTokens:N0} tokens, val.bin {meta.ValTokens:N0} tokens");
            output.WriteLine($"wrote {parseResult.GetValue(outputDir)}");
            return Task.FromResult(0);
        }));
        return command;
    }
}
