using System.CommandLine;

namespace Trm.Cli.Tests;

/// <summary>Runs the <c>trm</c> parser in process with captured output (and, optionally, text on standard input).</summary>
internal static class CliRunner
{
    private static readonly object s_consoleLock = new();

    public sealed record Result(int ExitCode, string Output, string Error);

    public static Result Run(params string[] args) => RunWithInput(null, args);

    public static Result RunWithInput(string? standardInput, params string[] args) =>
        RunWithBytes(standardInput is null ? null : System.Text.Encoding.UTF8.GetBytes(standardInput), args);

    /// <summary>Runs with <paramref name="standardInput"/> as the raw bytes of standard input (for the verbs that read bytes).</summary>
    public static Result RunWithBytes(byte[]? standardInput, params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        lock (s_consoleLock)
        {
            TextReader previous = Console.In;
            var previousBytes = Trm.Cli.Commands.TokenizerCommandOptions.StandardInput;
            if (standardInput is not null)
            {
                Console.SetIn(new StreamReader(new MemoryStream(standardInput)));
                Trm.Cli.Commands.TokenizerCommandOptions.StandardInput = () => new MemoryStream(standardInput);
            }
            try
            {
                int exit = TrmCommandLine.CreateRootCommand().Parse(args).Invoke(configuration);
                return new Result(exit, output.ToString(), error.ToString());
            }
            finally
            {
                Console.SetIn(previous);
                Trm.Cli.Commands.TokenizerCommandOptions.StandardInput = previousBytes;
            }
        }
    }
}
