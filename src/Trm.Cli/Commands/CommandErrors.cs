using System.CommandLine;
using Trm.Data;
using Trm.Model.Checkpoints;
using Trm.Model.Configuration;
using Trm.Torch;

namespace Trm.Cli.Commands;

/// <summary>
/// How <c>train</c>, <c>eval</c>, <c>solve</c>, <c>generate</c> and <c>quickstart</c> end on a failure: one line
/// <c>error: …</c> on standard error naming the file, record, key or option (the exceptions' own messages), and an exit
/// code — <see cref="UserError"/> for what the user can fix (bad configuration, missing or corrupt file, a CUDA request
/// on a build without CUDA, a locked run folder), <see cref="Cancelled"/> for Ctrl+C, <see cref="Unexpected"/> for anything
/// else (a bug: the line names the exception type). <c>--verbose</c> adds the full exception with its stack trace.
/// </summary>
internal static class CommandErrors
{
    /// <summary>An unexpected failure.</summary>
    public const int Unexpected = 1;

    /// <summary>A user error: configuration, option, input file or checkpoint.</summary>
    public const int UserError = 2;

    /// <summary>Cancelled (Ctrl+C), as a shell reports SIGINT.</summary>
    public const int Cancelled = 130;

    /// <summary>The <c>--verbose</c> option of the verbs that have no other use for it.</summary>
    public static Option<bool> VerboseOption() => new("--verbose") { Description = "On failure, print the full exception with its stack trace after the one-line error." };

    /// <summary>Runs <paramref name="body"/>; an exception becomes an error line and an exit code.</summary>
    public static int Run(ParseResult parseResult, bool verbose, Func<int> body, CancellationToken cancellationToken = default)
    {
        try
        {
            return body();
        }
        catch (Exception e)
        {
            return Report(parseResult.InvocationConfiguration.Error, e, verbose, cancellationToken);
        }
    }

    /// <summary>Runs <paramref name="body"/>; an exception becomes an error line and an exit code.</summary>
    public static async Task<int> RunAsync(ParseResult parseResult, bool verbose, Func<Task<int>> body, CancellationToken cancellationToken = default)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            return Report(parseResult.InvocationConfiguration.Error, e, verbose, cancellationToken);
        }
    }

    /// <summary>Writes the error line for <paramref name="e"/> (and, when verbose, the exception) and returns the exit code.</summary>
    public static int Report(TextWriter error, Exception e, bool verbose, CancellationToken cancellationToken = default)
    {
        var (code, line) = Describe(e, cancellationToken);
        error.WriteLine(line);
        if (verbose) error.WriteLine(e.ToString());
        else if (code == Unexpected) error.WriteLine("(run again with --verbose for the stack trace)");
        error.Flush();
        return code;
    }

    /// <summary>The exit code and the one-line message for <paramref name="e"/>.</summary>
    public static (int Code, string Line) Describe(Exception e, CancellationToken cancellationToken = default)
    {
        if (e is OperationCanceledException && cancellationToken.IsCancellationRequested) return (Cancelled, "error: cancelled");
        var expected = e is TrmConfigException or TrmDataException or TrmCheckpointException or InvalidDataException
            or IOException or UnauthorizedAccessException or ArgumentException or FormatException or NotSupportedException
            or NativeLibraryLoadException or System.Text.Json.JsonException;
        var message = FirstLine(e.Message);
        if (e is ArgumentException { ParamName: { Length: > 0 } name } argument && !message.Contains(name, StringComparison.Ordinal))
        {
            // "must be in (0, 1]" alone names nothing: say which value, and what it was.
            message = $"{name}: {message}" + (argument is ArgumentOutOfRangeException { ActualValue: { } actual } ? FormattableString.Invariant($", got {actual}") : "");
        }
        return expected ? (UserError, $"error: {message}") : (Unexpected, $"error: unexpected {e.GetType().Name}: {message}");
    }

    internal static string FirstLine(string message)
    {
        var line = message.Split('\n', 2)[0].TrimEnd('\r');
        var parameter = line.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return parameter > 0 ? line[..parameter] : line;
    }
}
