using System.CommandLine;
using Trm.Data;

namespace Trm.Cli.Commands;

/// <summary>Runs a data verb: expected failures (bad data, bad options, I/O) become <c>error: …</c> on the error writer and exit code 1.</summary>
internal static class DataCommandRunner
{
    public static async Task<int> RunAsync(ParseResult parseResult, Func<TextWriter, Task<int>> body)
    {
        var output = parseResult.InvocationConfiguration.Output;
        try
        {
            var code = await body(output).ConfigureAwait(false);
            await output.FlushAsync().ConfigureAwait(false);
            return code;
        }
        catch (Exception e) when (e is TrmDataException or ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            await output.FlushAsync().ConfigureAwait(false);
            await parseResult.InvocationConfiguration.Error.WriteLineAsync($"error: {e.Message.Split(" (Parameter '")[0]}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>Writes progress lines to <paramref name="writer"/> as they come (synchronously, in order).</summary>
    public sealed class LineProgress<T>(TextWriter writer, Func<T, string?> format) : IProgress<T>
    {
        private readonly object _lock = new();

        public void Report(T value)
        {
            var line = format(value);
            if (line is null)
                return;
            lock (_lock)
                writer.WriteLine(line);
        }
    }
}
