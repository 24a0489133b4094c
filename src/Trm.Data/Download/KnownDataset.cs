using Trm.Data.Chat;

namespace Trm.Data.Download;

/// <summary>A public chat dataset the downloader knows.</summary>
/// <param name="Name">The short name used on the command line (<c>alpaca</c>, <c>dolly</c>, <c>oasst1</c>).</param>
/// <param name="Description">One line about the set.</param>
/// <param name="Url">Where the file is downloaded from.</param>
/// <param name="FileName">The file name written in the output folder.</param>
/// <param name="Format">The chat format of the file.</param>
/// <param name="License">The licence the data is published under.</param>
public sealed record KnownDataset(string Name, string Description, Uri Url, string FileName, ChatFormat Format, string License)
{
    /// <summary>The expected size in bytes, when known; checked after download.</summary>
    public long? Size { get; init; }

    /// <summary>The expected SHA-256 (lower-case hex), when known; otherwise it is recorded in a <c>.sha256</c> sidecar on first download and checked on re-runs.</summary>
    public string? Sha256 { get; init; }
}
