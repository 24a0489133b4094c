using System.Buffers;
using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Trm.Tokenization;

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
            int lineNumber = 1;
            while (reader.Peek() >= 0 && char.IsWhiteSpace((char)reader.Peek()))
            {
                if (reader.Read() == '\n')
                {
                    lineNumber++;
                }
            }
            if (reader.Peek() == '[')
            {
                while (reader.ReadLine() is { } line)
                {
                    if (line.Trim().Length > 0)
                    {
                        output.WriteLine(tokenizer.Decode(ParseJsonLine(line, lineNumber), skip));
                    }
                    lineNumber++;
                }
            }
            else
            {
                DecodePlain(tokenizer, reader, output, skip, lineNumber);
            }
            common.ReportInvalidUtf8(parseResult);
        }));
        return command;
    }

    /// <summary>Decodes ids separated by spaces, commas, tabs or line feeds, 64K ids at a time; a character split between two batches is joined by a stateful decoder.</summary>
    private static void DecodePlain(Tokenizer tokenizer, TextReader reader, TextWriter output, bool skip, int lineNumber)
    {
        const int BatchIds = 1 << 16;
        var ids = new List<int>(BatchIds);
        var bytes = new ArrayBufferWriter<byte>(1 << 18);
        var decoder = new UTF8Encoding(false).GetDecoder();
        var chars = new char[(1 << 18) + 8];
        var item = new StringBuilder();
        var buffer = new char[1 << 16];

        void Flush(bool final)
        {
            bytes.Clear();
            tokenizer.DecodeToUtf8(CollectionsMarshal.AsSpan(ids), bytes, skip);
            ids.Clear();
            ReadOnlySpan<byte> pending = bytes.WrittenSpan;
            do
            {
                decoder.Convert(pending, chars, final, out int used, out int produced, out _);
                output.Write(chars, 0, produced);
                pending = pending[used..];
            }
            while (pending.Length > 0);
        }

        void EndItem()
        {
            if (item.Length == 0)
            {
                return;
            }
            if (!int.TryParse(item.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int id))
            {
                throw new FormatException($"input line {lineNumber}: '{item}' is not a token id.");
            }
            item.Clear();
            ids.Add(id);
            if (ids.Count == BatchIds)
            {
                Flush(final: false);
            }
        }

        int n;
        while ((n = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            foreach (char c in buffer.AsSpan(0, n))
            {
                if (c is ' ' or ',' or '\t' or '\r' or '\n')
                {
                    EndItem();
                    if (c == '\n')
                    {
                        lineNumber++;
                    }
                }
                else if (item.Length < 40)
                {
                    item.Append(c);
                }
            }
        }
        EndItem();
        Flush(final: true);
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
}
