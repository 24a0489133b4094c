using System.CommandLine;
using Trm.Data;
using Trm.Data.Download;

namespace Trm.Cli.Commands;

/// <summary><c>trm data download</c>: fetch Alpaca, Dolly-15k or OASST1 with resume, retries and verification.</summary>
internal static class DataDownloadCommand
{
    public static Command Create()
    {
        var dataset = new Option<string[]>("--dataset", "-d") { Description = "Dataset name(s): alpaca, dolly, oasst1, or a hub set's Parquet shards: gsm8k, smol-smoltalk (repeatable).", AllowMultipleArgumentsPerToken = true };
        var all = new Option<bool>("--all") { Description = "Download every known dataset." };
        var list = new Option<bool>("--list") { Description = "List the known datasets and exit." };
        var outputDir = new Option<string>("--output-dir", "-o") { Description = "Folder that receives the files.", DefaultValueFactory = _ => "data/raw" };
        var force = new Option<bool>("--force") { Description = "Download again even when a verified file is there." };
        var retries = new Option<int>("--retries") { Description = "Retries after a failed transfer (exponential backoff).", DefaultValueFactory = _ => 5 };
        var mirror = new Option<string?>("--mirror") { Description = "Fetch <mirror>/<file name> instead of the public URL (a local or internal mirror)." };
        var command = new Command("download", "Download public chat datasets (resumable, verified, atomic).");
        foreach (var option in new Option[] { dataset, all, list, outputDir, force, retries, mirror })
            command.Options.Add(option);
        command.SetAction((parseResult, cancellationToken) => DataCommandRunner.RunAsync(parseResult, async output =>
        {
            if (parseResult.GetValue(list))
            {
                DataListCommand.Write(output);
                return 0;
            }
            var names = parseResult.GetValue(dataset) ?? [];
            var targets = parseResult.GetValue(all) ? DatasetRegistry.All.ToList() : names.SelectMany(DatasetRegistry.FindFiles).ToList();
            if (targets.Count == 0)
                throw new TrmDataException("name a dataset with --dataset, or use --all or --list");
            if (parseResult.GetValue(mirror) is { } baseUrl)
                targets = targets.Select(t => t with { Url = new Uri(new Uri(baseUrl.TrimEnd('/') + "/"), t.FileName) }).ToList();
            var downloader = new DatasetDownloader(options: new DownloadOptions { Force = parseResult.GetValue(force), MaxRetries = parseResult.GetValue(retries) });
            var progress = new DataCommandRunner.LineProgress<DownloadProgress>(output, p =>
                $"  {p.Dataset}: {p.BytesDone:N0}{(p.TotalBytes is { } total ? $" / {total:N0}" : "")} bytes (attempt {p.Attempt})");
            foreach (var target in targets)
            {
                output.WriteLine($"{target.Name}: {target.Url}");
                var result = await downloader.DownloadAsync(target, parseResult.GetValue(outputDir)!, progress, cancellationToken);
                output.WriteLine(result.AlreadyPresent
                    ? $"{target.Name}: already present and verified: {result.Path}"
                    : $"{target.Name}: {result.Path} ({result.Bytes:N0} bytes, sha256 {result.Sha256}{(result.Resumed ? ", resumed" : "")})");
            }
            return 0;
        }));
        return command;
    }
}
