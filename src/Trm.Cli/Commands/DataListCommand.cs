using System.CommandLine;
using Trm.Data.Download;

namespace Trm.Cli.Commands;

/// <summary><c>trm data list</c>: the public datasets <c>trm data download</c> knows.</summary>
internal static class DataListCommand
{
    public static Command Create()
    {
        var command = new Command("list", "List the public chat datasets that 'trm data download' can fetch.");
        command.SetAction(parseResult =>
        {
            Write(parseResult.InvocationConfiguration.Output);
            return 0;
        });
        return command;
    }

    public static void Write(TextWriter output)
    {
        foreach (var dataset in DatasetRegistry.All)
        {
            output.WriteLine($"{dataset.Name,-8} {dataset.Description}");
            output.WriteLine($"         {dataset.Url}");
            var size = dataset.Size is { } bytes ? $"{bytes:N0} bytes" : "size unknown";
            var hash = dataset.Sha256 is { } sha ? $"sha256 {sha}" : "sha256 recorded on first download";
            output.WriteLine($"         format {dataset.Format.ToString().ToLowerInvariant()}, {size}, {hash}, licence {dataset.License}");
        }
        foreach (var hub in DatasetRegistry.Hub)
        {
            output.WriteLine($"{hub.Name,-8} {hub.Description}");
            output.WriteLine($"         {hub.Repository} at {hub.Revision}: {hub.Shards.Count} Parquet shard(s), licence {hub.License}");
        }
    }
}
