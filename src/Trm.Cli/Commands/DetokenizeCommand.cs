using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace Trm.Cli.Commands;

/// <summary><c>trm detokenize</c>: token ids → text.</summary>
internal static class DetokenizeCommand
{
    public static Command Create()
    {
        var common = new TokenizerCommandOptions();
        var skipSpecial = new Option<bool>("--skip-special")
        {
            Description = "Leave special tokens out instead of writing their names.",
        };
        var command = new Command("detokenize", "Decode token ids to text. Input: ids separated by spaces or commas (decoded as one text, written as is), or one JSON array per line (one output line each), as 'trm tokenize' writes them.");
        common.AddTo(command);
        command.Options.Add(skipSpecial);
        command.SetAction(parseResult => TokenizerCommandOptions.Run(parseResult, output =>
        {
            var tokenizer = common.CreateTokenizer(parseResult);
            bool skip = parseResult.GetValue(skipSpecial);
            using var reader = common.OpenInput(parseResult);
            string input = reader.ReadToEnd();
            if (input.AsSpan().TrimStart().StartsWith("["))
            {
                int lineNumber = 0;
                foreach (string line in input.Split('\n'))
                {
                    lineNumber++;
                    if (line.Trim().Length == 0)
                    {
                        continue;
                    }
                    output.WriteLine(tokenizer.Decode(ParseJsonLine(line, lineNumber), skip));
                }
            }
            else
            {
                output.Write(tokenizer.Decode(ParsePlain(input), skip));
            }
        }));
        return command;
    }

    private static int[] ParseJsonLine(string line, int lineNumber)
    {
        try
        {
            return JsonSerializer.Deserialize<int[]>(line) ?? throw new FormatException($"input line {lineNumber}: expected a JSON array of ids, got null.");
        }
        catch (JsonException e)
        {
            throw new FormatException($"input line {lineNumber}: expected a JSON array of integer ids ({e.Message}).", e);
        }
    }

    private static int[] ParsePlain(string input)
    {
        var ids = new List<int>();
        int lineNumber = 1;
        foreach (string line in input.Split('\n'))
        {
            foreach (string item in line.Split([' ', ',', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries))
            {
                if (!int.TryParse(item, NumberStyles.Integer, CultureInfo.InvariantCulture, out int id))
                {
                    throw new FormatException($"input line {lineNumber}: '{item}' is not a token id.");
                }
                ids.Add(id);
            }
            lineNumber++;
        }
        return ids.ToArray();
    }
}
