using System.CommandLine;
using System.Text;
using Trm.Tokenization;
using Trm.Tokenization.Chat;

namespace Trm.Cli.Commands;

/// <summary>Options shared by <c>trm tokenize</c> and <c>trm detokenize</c>: which tokenizer, where the input comes from.</summary>
internal sealed class TokenizerCommandOptions
{
    public Option<string> Tokenizer { get; } = new("--tokenizer", "-t")
    {
        Description = "Tokenizer: gpt2, or char:<vocab.json> (a character vocabulary saved by CharTokenizer.Save).",
        DefaultValueFactory = _ => "gpt2",
    };

    public Option<string> Input { get; } = new("--input", "-i")
    {
        Description = "Input file (UTF-8), or - for standard input.",
        DefaultValueFactory = _ => "-",
    };

    public Option<bool> Chat { get; } = new("--chat")
    {
        Description = "Add the chat template's special tokens (<|system|>, <|user|>, <|assistant|>, <|end|>, <|pad|>) after the vocabulary.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Tokenizer);
        command.Options.Add(Input);
        command.Options.Add(Chat);
    }

    /// <summary>The tokenizer the options name.</summary>
    public Tokenization.Tokenizer CreateTokenizer(ParseResult parseResult)
    {
        var tokenizer = Tokenization.Tokenizer.FromName(parseResult.GetValue(Tokenizer)!);
        return parseResult.GetValue(Chat) ? ChatTemplate.Create(tokenizer).Tokenizer : tokenizer;
    }

    /// <summary>Opens the input (a file or standard input) as UTF-8 text.</summary>
    public TextReader OpenInput(ParseResult parseResult)
    {
        string path = parseResult.GetValue(Input)!;
        if (path == "-")
        {
            return Console.In;
        }
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Input file '{path}' does not exist.", path);
        }
        return new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
    }

    /// <summary>Runs <paramref name="body"/>, turning expected failures into a message on the error writer and exit code 1.</summary>
    public static int Run(ParseResult parseResult, Action<TextWriter> body)
    {
        var output = parseResult.InvocationConfiguration.Output;
        try
        {
            body(output);
            output.Flush();
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException or FormatException or KeyNotFoundException)
        {
            output.Flush();
            // ArgumentException appends " (Parameter 'x')" and the actual value: keep the sentence a user needs.
            string message = e.Message.Split(" (Parameter '")[0];
            parseResult.InvocationConfiguration.Error.WriteLine($"error: {message}");
            return 1;
        }
    }
}
