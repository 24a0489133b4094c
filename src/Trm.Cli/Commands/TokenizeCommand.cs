using System.CommandLine;
using System.Text;
using Trm.Tokenization;

namespace Trm.Cli.Commands;

/// <summary><c>trm tokenize</c>: text → token ids.</summary>
internal static class TokenizeCommand
{
    public static Command Create()
    {
        var common = new TokenizerCommandOptions();
        var format = new Option<string>("--format", "-f")
        {
            Description = "ids: the whole input as one text, ids separated by spaces; json: one JSON array of ids per input line; count: the number of tokens of the whole input.",
            DefaultValueFactory = _ => "ids",
        };
        format.AcceptOnlyFromAmong("ids", "json", "count");
        var allowSpecial = new Option<bool>("--allow-special")
        {
            Description = "Recognise special tokens written in the text (e.g. <|endoftext|>); by default they are encoded as plain text.",
        };
        var command = new Command("tokenize", "Encode text to token ids (GPT-2 BPE or a character vocabulary).");
        common.AddTo(command);
        command.Options.Add(format);
        command.Options.Add(allowSpecial);
        command.SetAction(parseResult => TokenizerCommandOptions.Run(parseResult, output =>
        {
            var tokenizer = common.CreateTokenizer(parseResult);
            var allowed = parseResult.GetValue(allowSpecial) ? AllowedSpecialTokens.All : AllowedSpecialTokens.None;
            using var reader = common.OpenInput(parseResult);
            switch (parseResult.GetValue(format))
            {
                case "json":
                    WriteJsonLines(tokenizer, allowed, reader, output);
                    break;
                case "count":
                    output.WriteLine(tokenizer.CountTokens(reader.ReadToEnd(), allowed));
                    break;
                default:
                    output.WriteLine(string.Join(' ', tokenizer.EncodeToIds(reader.ReadToEnd(), allowed)));
                    break;
            }
        }));
        return command;
    }

    private static void WriteJsonLines(Tokenizer tokenizer, AllowedSpecialTokens allowed, TextReader reader, TextWriter output)
    {
        var ids = new List<int>();
        var line = new StringBuilder();
        while (reader.ReadLine() is { } text)
        {
            ids.Clear();
            tokenizer.EncodeToIds(text, ids, allowed);
            line.Clear().Append('[');
            for (int i = 0; i < ids.Count; i++)
            {
                if (i > 0)
                {
                    line.Append(',');
                }
                line.Append(ids[i]);
            }
            output.WriteLine(line.Append(']'));
        }
    }
}
