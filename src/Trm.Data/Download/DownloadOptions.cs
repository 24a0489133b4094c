namespace Trm.Data.Download;

/// <summary>Retry and verification settings of <see cref="DatasetDownloader"/>.</summary>
public sealed record DownloadOptions
{
    /// <summary>Attempts after the first one when a transfer fails (connection drop, 5xx, timeout). Default 5.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>Wait before the first retry; doubled each retry. Default 1 s.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between retries. Default 30 s.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Download again even when a verified file is already there.</summary>
    public bool Force { get; init; }
}
