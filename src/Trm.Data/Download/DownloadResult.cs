namespace Trm.Data.Download;

/// <summary>What a download did.</summary>
/// <param name="Path">The final file.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="Sha256">Its SHA-256 (lower-case hex).</param>
/// <param name="AlreadyPresent">Whether a verified file was already there and nothing was fetched.</param>
/// <param name="Attempts">HTTP attempts made (0 when already present).</param>
/// <param name="Resumed">Whether at least one attempt continued a partial file with a range request.</param>
public sealed record DownloadResult(string Path, long Bytes, string Sha256, bool AlreadyPresent, int Attempts, bool Resumed);
