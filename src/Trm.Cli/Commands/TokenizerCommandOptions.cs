using System.CommandLine;
using System.Text;
using Trm.Data;
using Trm.Data.Readers;
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

    public Option<string> InvalidUtf8 { get; } = InvalidUtf8Option.Create();

    /// <summary>Standard input as bytes (tests replace it).</summary>
    internal static Func<Stream> StandardInput { get; set; } = Console.OpenStandardInput;

    private Utf8CheckingStream? _checked;

    public void AddTo(Command command)
    {
        command.Options.Add(Tokenizer);
        command.Options.Add(Input);
        command.Options.Add(Chat);
        command.Options.Add(InvalidUtf8);
    }

    /// <summary>The tokenizer the options name.</summary>
    public Tokenization.Tokenizer CreateTokenizer(ParseResult parseResult)
    {
        var tokenizer = Tokenization.Tokenizer.FromName(parseResult.GetValue(Tokenizer)!);
        return parseResult.GetValue(Chat) ? ChatTemplate.Create(tokenizer).Tokenizer : tokenizer;
    }

    /// <summary>Opens the input (a file or standard input) as UTF-8 text, checked by the <c>--invalid-utf8</c> policy.</summary>
    public TextReader OpenInput(ParseResult parseResult)
    {
        string path = parseResult.GetValue(Input)!;
        Stream raw;
        if (path == "-")
        {
            raw = StandardInput();
        }
        else if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Input file '{path}' does not exist.", path);
        }
        else
        {
            raw = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        _checked = new Utf8CheckingStream(raw, path == "-" ? "<stdin>" : path, InvalidUtf8Option.Parse(parseResult.GetValue(InvalidUtf8)!));
        return new StreamReader(_checked, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
    }

    /// <summary>Writes how many invalid UTF-8 sequences were replaced or dropped (nothing when none were).</summary>
    public void ReportInvalidUtf8(ParseResult parseResult)
    {
        if (_checked is { InvalidSequences: > 0 } s)
            parseResult.InvocationConfiguration.Error.WriteLine(InvalidUtf8Option.Describe(s.InvalidSequences, InvalidUtf8Option.Parse(parseResult.GetValue(InvalidUtf8)!)));
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
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException or FormatException or KeyNotFoundException or TrmDataException)
        {
            output.Flush();
            // ArgumentException appends " (Parameter 'x')" and the actual value: keep the sentence a user needs.
            string message = e.Message.Split(" (Parameter '")[0];
            parseResult.InvocationConfiguration.Error.WriteLine($"error: {message}");
            return 1;
        }
    }
}
