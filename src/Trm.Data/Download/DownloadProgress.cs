namespace Trm.Data.Download;

/// <summary>Progress of one download.</summary>
/// <param name="Dataset">The dataset name.</param>
/// <param name="BytesDone">Bytes on disk so far (including bytes of an earlier, resumed attempt).</param>
/// <param name="TotalBytes">The full size when known.</param>
/// <param name="Attempt">The attempt number, from 1.</param>
public readonly record struct DownloadProgress(string Dataset, long BytesDone, long? TotalBytes, int Attempt);
