using System.CommandLine;
using System.Text;
using Trm.Tokenization;

namespace Trm.Cli.Commands;

/// <summary><c>trm tokenize</c>: text → token ids, streamed in chunks (<see cref="TextChunker"/>) so memory stays bounded.</summary>
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
                    long count = 0;
                    foreach (var chunk in TextChunker.Split(reader))
                        count += tokenizer.CountTokens(chunk.Span, allowed);
                    output.WriteLine(count);
                    break;
                default:
                    WriteIds(tokenizer, allowed, reader, output);
                    break;
            }
            common.ReportInvalidUtf8(parseResult);
        }));
        return command;
    }

    /// <summary>The ids of the whole input, separated by spaces, then a line feed: the same as encoding it in one piece.</summary>
    private static void WriteIds(Tokenizer tokenizer, AllowedSpecialTokens allowed, TextReader reader, TextWriter output)
    {
        var ids = new List<int>();
        var text = new StringBuilder();
        var first = true;
        foreach (var chunk in TextChunker.Split(reader))
        {
            ids.Clear();
            tokenizer.EncodeToIds(chunk.Span, ids, allowed);
            text.Clear();
            foreach (var id in ids)
            {
                if (!first)
                {
                    text.Append(' ');
                }
                text.Append(id);
                first = false;
            }
            output.Write(text);
        }
        output.WriteLine();
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
