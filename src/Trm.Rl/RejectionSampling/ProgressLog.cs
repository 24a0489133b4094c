using System.Text;
using System.Text.Json;

namespace Trm.Rl.RejectionSampling;

/// <summary>
/// The resumable, append-only output of a rejection-sampling run: the JSONL file and a sidecar <c>&lt;file&gt;.progress</c>
/// that gets one line <c>{"problem_id":…,"offset":…}</c> after each finished problem, <c>offset</c> being the output's
/// length once that problem's records were flushed. Opening truncates the output back to the last recorded offset, so a
/// crash mid-write (a torn line, half a problem's records) leaves no trace and the problem is sampled again; a torn last
/// progress line is ignored.
/// </summary>
internal sealed class ProgressLog : IDisposable
{
    private readonly FileStream _output;
    private readonly FileStream _progress;
    private readonly HashSet<string> _done;

    private ProgressLog(FileStream output, FileStream progress, HashSet<string> done)
    {
        _output = output;
        _progress = progress;
        _done = done;
    }

    /// <summary>Problems finished by earlier runs.</summary>
    public IReadOnlySet<string> Done => _done;

    /// <summary>The sidecar's path for <paramref name="outputPath"/>.</summary>
    public static string ProgressPath(string outputPath) => outputPath + ".progress";

    /// <summary>Opens (or creates) the output and its progress file, cutting the output back to its last finished problem.</summary>
    /// <exception cref="InvalidDataException">The output exists without a progress file, or is shorter than the progress says.</exception>
    public static ProgressLog Open(string outputPath)
    {
        var progressPath = ProgressPath(outputPath);
        var folder = Path.GetDirectoryName(Path.GetFullPath(outputPath));
        if (folder is not null) Directory.CreateDirectory(folder);
        var done = new HashSet<string>(StringComparer.Ordinal);
        long offset = 0;
        long progressLength = 0;
        if (File.Exists(progressPath))
        {
            var bytes = File.ReadAllBytes(progressPath);
            int start = 0, line = 0;
            for (int i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] != (byte)'\n') continue;
                line++;
                try
                {
                    using var doc = JsonDocument.Parse(bytes.AsMemory(start, i - start));
                    done.Add(doc.RootElement.GetProperty("problem_id").GetString()!);
                    offset = doc.RootElement.GetProperty("offset").GetInt64();
                }
                catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
                {
                    throw new InvalidDataException($"{progressPath}:{line}: not a progress record ({e.Message})", e);
                }
                start = i + 1;
                progressLength = start;
            }
        }
        else if (File.Exists(outputPath) && new FileInfo(outputPath).Length > 0)
        {
            throw new InvalidDataException($"{outputPath}: exists but has no progress file ({progressPath}); it was not written by a resumable run (choose another output or delete it)");
        }

        var output = new FileStream(outputPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            if (output.Length < offset)
                throw new InvalidDataException($"{outputPath}: {output.Length} bytes, but {progressPath} records {offset} written (the output was cut; delete both to start again)");
            output.SetLength(offset); // drops a torn line or a half-written problem
            output.Seek(0, SeekOrigin.End);
            var progress = new FileStream(progressPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            progress.SetLength(progressLength); // drops a torn progress line
            progress.Seek(0, SeekOrigin.End);
            return new ProgressLog(output, progress, done);
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    /// <summary>Appends one problem's records (whole lines), flushes them to disk, then records the problem as done.</summary>
    public void Commit(string problemId, IReadOnlyList<string> lines)
    {
        if (lines.Count > 0)
        {
            var bytes = Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")));
            _output.Write(bytes);
            _output.Flush(flushToDisk: true);
        }
        var record = JsonSerializer.Serialize(new Dictionary<string, object> { ["problem_id"] = problemId, ["offset"] = _output.Length }) + "\n";
        _progress.Write(Encoding.UTF8.GetBytes(record));
        _progress.Flush(flushToDisk: true);
        _done.Add(problemId);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _output.Dispose();
        _progress.Dispose();
    }
}
