using System.Text.RegularExpressions;
using Trm.Data.Chat;

namespace Trm.Data.Download;

/// <summary>
/// A dataset published on the Hugging Face hub as Parquet shards, pinned to one revision (a 40-hex commit): each shard
/// is a <see cref="KnownDataset"/> that <see cref="DatasetDownloader"/> fetches with resume and verification from
/// <c>{endpoint}/datasets/{repository}/resolve/{revision}/{path}</c>, saved as <c>{name}-{path with '/' → '-'}</c>.
/// The shards read directly with <see cref="Readers.ChatFileReader"/> (Parquet is detected).
/// </summary>
/// <param name="Name">The short name (<c>gsm8k</c>, <c>smol-smoltalk</c>).</param>
/// <param name="Description">One line about the set.</param>
/// <param name="Repository">The hub repository (<c>openai/gsm8k</c>).</param>
/// <param name="Revision">The pinned commit.</param>
/// <param name="Shards">One entry per file, in order.</param>
/// <param name="License">The licence the data is published under.</param>
public sealed partial record HubDataset(string Name, string Description, string Repository, string Revision, IReadOnlyList<KnownDataset> Shards, string License)
{
    /// <summary>The hub's address (<c>HF_ENDPOINT</c> in the Python tools).</summary>
    public static Uri DefaultEndpoint { get; } = new("https://huggingface.co/");

    /// <summary>Makes the entry for <paramref name="files"/> (path in the repository, published SHA-256 or null) at <paramref name="revision"/>.</summary>
    /// <exception cref="ArgumentException">The revision is not a 40-hex commit, or no file is given.</exception>
    public static HubDataset Create(string name, string description, string repository, string revision, IReadOnlyList<(string Path, string? Sha256)> files,
        ChatFormat format, string license, Uri? endpoint = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(repository);
        ArgumentNullException.ThrowIfNull(files);
        if (revision is null || !Commit().IsMatch(revision))
            throw new ArgumentException($"revision must be a 40-hex commit, got '{revision}'", nameof(revision));
        if (files.Count == 0)
            throw new ArgumentException("a hub dataset needs at least one file", nameof(files));
        var root = endpoint ?? DefaultEndpoint;
        var shards = files.Select(f => new KnownDataset(
            name, $"{description} — {f.Path}", new Uri(root, $"datasets/{repository}/resolve/{revision}/{f.Path}"),
            $"{name}-{f.Path.Replace('/', '-')}", format, license)
        { Sha256 = f.Sha256 }).ToList();
        return new HubDataset(name, description, repository, revision, shards, license);
    }

    /// <summary>The same files fetched from <paramref name="endpoint"/> (a mirror or a test server) instead of the hub.</summary>
    public HubDataset WithEndpoint(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return this with
        {
            Shards = Shards.Select(s => s with { Url = new Uri(endpoint, s.Url.PathAndQuery.TrimStart('/')) }).ToList(),
        };
    }

    /// <summary>The paths the shards are saved to in <paramref name="outputDirectory"/>, in order.</summary>
    public IReadOnlyList<string> LocalPaths(string outputDirectory) => Shards.Select(s => Path.Combine(outputDirectory, s.FileName)).ToList();

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex Commit();
}
