using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

using Trm.Core.IO;

namespace Trm.Data.Download;

/// <summary>
/// Downloads known datasets over HTTP(S): resumes partial files with range requests (restarting when the server ignores
/// them), retries failed transfers with exponential backoff, verifies size and SHA-256 (or records the hash in a
/// <c>.sha256</c> sidecar when none is published, and checks it on re-runs), and renames <c>.part</c> → final only when
/// the file is complete and verified. Thread-safe for distinct output files.
/// </summary>
public sealed class DatasetDownloader
{
    private const string PartSuffix = ".part";
    private const string HashSuffix = ".sha256";
    private readonly HttpClient _http;
    private readonly DownloadOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a downloader.</summary>
    /// <param name="http">The client to use (one is created when <see langword="null"/>).</param>
    /// <param name="options">Retry settings.</param>
    /// <param name="logger">Logs retries and verification.</param>
    public DatasetDownloader(HttpClient? http = null, DownloadOptions? options = null, ILogger<DatasetDownloader>? logger = null)
    {
        _http = http ?? new HttpClient { Timeout = TimeSpan.FromMinutes(30) };
        _options = options ?? new DownloadOptions();
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Downloads <paramref name="dataset"/> into <paramref name="outputDirectory"/>.</summary>
    /// <exception cref="TrmDataException">The server answered with a non-retryable status (e.g. 404), the retries ran out, or verification failed.</exception>
    public async Task<DownloadResult> DownloadAsync(KnownDataset dataset, string outputDirectory, IProgress<DownloadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(outputDirectory);
        var final = Path.Combine(outputDirectory, dataset.FileName);
        var sidecar = final + HashSuffix;
        if (!_options.Force && File.Exists(final))
        {
            var present = await VerifyExistingAsync(dataset, final, sidecar, cancellationToken).ConfigureAwait(false);
            if (present is not null)
                return present;
        }

        var part = final + PartSuffix;
        var attempt = 0;
        var resumed = false;
        long? total = dataset.Size;
        while (true)
        {
            attempt++;
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var outcome = await TransferAsync(dataset, part, attempt, progress, cancellationToken).ConfigureAwait(false);
                resumed |= outcome.Resumed;
                total = outcome.Total ?? total;
                break;
            }
            catch (Exception e) when (IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                if (attempt > _options.MaxRetries)
                    throw new TrmDataException($"download of {dataset.Url} failed after {attempt} attempts: {e.Message}", final, null, null, e);
                var delay = Backoff(attempt);
                _logger.LogWarning("Download of {Dataset} failed (attempt {Attempt}): {Error}; retrying in {Delay}", dataset.Name, attempt, e.Message, delay);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }

        var size = new FileInfo(part).Length;
        if (total is { } expected && size != expected)
        {
            File.Delete(part);
            throw new TrmDataException($"size mismatch: expected {expected} bytes, got {size}", final, null, null);
        }
        var hash = await HashAsync(part, cancellationToken).ConfigureAwait(false);
        if (dataset.Sha256 is { } published && !string.Equals(published, hash, StringComparison.OrdinalIgnoreCase))
        {
            File.Delete(part);
            throw new TrmDataException($"SHA-256 mismatch: expected {published}, got {hash}", final, null, null);
        }
        File.Move(part, final, overwrite: true);
        AtomicFile.WriteAllText(sidecar, $"{hash}  {dataset.FileName}\n");
        _logger.LogInformation("Downloaded {Dataset} to {Path} ({Bytes} bytes, sha256 {Hash})", dataset.Name, final, size, hash);
        return new DownloadResult(final, size, hash, AlreadyPresent: false, attempt, resumed);
    }

    /// <summary>Downloads every dataset of <paramref name="datasets"/> one after the other.</summary>
    public async Task<IReadOnlyList<DownloadResult>> DownloadAllAsync(IEnumerable<KnownDataset> datasets, string outputDirectory,
        IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var results = new List<DownloadResult>();
        foreach (var dataset in datasets)
            results.Add(await DownloadAsync(dataset, outputDirectory, progress, cancellationToken).ConfigureAwait(false));
        return results;
    }

    private async Task<DownloadResult?> VerifyExistingAsync(KnownDataset dataset, string final, string sidecar, CancellationToken cancellationToken)
    {
        var size = new FileInfo(final).Length;
        if (dataset.Size is { } expectedSize && size != expectedSize)
        {
            _logger.LogWarning("{Path} has {Size} bytes, expected {Expected}: downloading again", final, size, expectedSize);
            return null;
        }
        var hash = await HashAsync(final, cancellationToken).ConfigureAwait(false);
        var expected = dataset.Sha256 ?? (File.Exists(sidecar) ? File.ReadAllText(sidecar).Split(' ', 2)[0].Trim() : null);
        if (expected is not null && !string.Equals(expected, hash, StringComparison.OrdinalIgnoreCase))
        {
            _logger.LogWarning("{Path} has SHA-256 {Hash}, expected {Expected}: downloading again", final, hash, expected);
            return null;
        }
        if (expected is null)
            AtomicFile.WriteAllText(sidecar, $"{hash}  {dataset.FileName}\n");
        return new DownloadResult(final, size, hash, AlreadyPresent: true, Attempts: 0, Resumed: false);
    }

    private async Task<(bool Resumed, long? Total)> TransferAsync(KnownDataset dataset, string part, int attempt, IProgress<DownloadProgress>? progress,
        CancellationToken cancellationToken)
    {
        var existing = File.Exists(part) ? new FileInfo(part).Length : 0;
        using var request = new HttpRequestMessage(HttpMethod.Get, dataset.Url);
        if (existing > 0)
            request.Headers.Range = new RangeHeaderValue(existing, null);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);

        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && existing > 0)
        {
            // The partial file is as long as (or longer than) the resource: the size check after the loop decides.
            var length = response.Content.Headers.ContentRange?.Length;
            if (length == existing)
                return (true, length);
            File.Delete(part);
            throw new HttpRequestException($"range not satisfiable for a {existing}-byte partial file; restarting");
        }
        if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout || response.StatusCode == HttpStatusCode.TooManyRequests)
            throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
        if (!response.IsSuccessStatusCode)
            throw new TrmDataException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase} from {dataset.Url}");

        var resumed = response.StatusCode == HttpStatusCode.PartialContent;
        long? total;
        FileMode mode;
        if (resumed)
        {
            var range = response.Content.Headers.ContentRange;
            if (range?.From != existing)
                throw new HttpRequestException($"server resumed at byte {range?.From}, expected {existing}");
            total = range.Length;
            mode = FileMode.Append;
        }
        else
        {
            if (existing > 0)
                _logger.LogInformation("Server ignored the range request for {Dataset}: restarting from byte 0", dataset.Name);
            existing = 0;
            total = response.Content.Headers.ContentLength;
            mode = FileMode.Create;
        }

        await using var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var target = new FileStream(part, mode, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        var buffer = new byte[1 << 16];
        var done = existing;
        var lastReport = 0L;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            done += read;
            if (done - lastReport >= 1 << 20)
            {
                progress?.Report(new DownloadProgress(dataset.Name, done, total, attempt));
                lastReport = done;
            }
        }
        await target.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (total is { } expected && done < expected)
            throw new IOException($"connection closed after {done} of {expected} bytes");
        progress?.Report(new DownloadProgress(dataset.Name, done, total, attempt));
        return (resumed, total);
    }

    private static bool IsTransient(Exception e) => e is HttpRequestException or IOException or TaskCanceledException { InnerException: TimeoutException };

    private TimeSpan Backoff(int attempt)
    {
        var ticks = _options.InitialBackoff.Ticks * Math.Pow(2, attempt - 1);
        return TimeSpan.FromTicks((long)Math.Min(ticks, _options.MaxBackoff.Ticks));
    }

    private static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return Convert.ToHexStringLower(hash);
    }
}
