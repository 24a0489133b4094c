using System.Globalization;
using System.Text;
using System.Text.Json;
using Trm.Core.IO;
using Trm.Data;

namespace Trm.Training.Metrics;

/// <summary>
/// Appends <see cref="MetricsRecord"/>s to a JSON-lines file, one object per line
/// (<c>{"step":12,"split":"train","time":"...","lm_loss":0.93,...}</c>), flushed after every line so that a crash
/// loses nothing already reported. Not thread-safe.
/// </summary>
public sealed class MetricsJsonlWriter : IDisposable
{
    private readonly StreamWriter _writer;

    /// <summary>
    /// Opens (appending) or creates <paramref name="path"/>; its folder is created when missing. A torn last line (a write
    /// cut short by a crash) is removed first, so that new records never join it (see <see cref="RemoveTornLastLine"/>).
    /// </summary>
    /// <param name="path">The JSONL file.</param>
    public MetricsJsonlWriter(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        RemoveTornLastLine(Path);
        _writer = new StreamWriter(new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
    }

    /// <summary>The file written.</summary>
    public string Path { get; }

    /// <summary>Appends one record and flushes.</summary>
    /// <param name="record">The record.</param>
    public void Write(MetricsRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        _writer.WriteLine(Format(record, DateTimeOffset.UtcNow));
        _writer.Flush();
    }

    /// <summary>Formats a record as one JSON line (non-finite values are written as <c>null</c>).</summary>
    /// <param name="record">The record.</param>
    /// <param name="time">Timestamp to include.</param>
    public static string Format(MetricsRecord record, DateTimeOffset time)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("step", record.Step);
            json.WriteString("split", record.Split);
            json.WriteString("time", time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            foreach (var (name, value) in record.Values)
            {
                if (double.IsFinite(value)) json.WriteNumber(name, value);
                else json.WriteNull(name);
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads every record of a metrics file; a torn last line (see <see cref="RemoveTornLastLine"/>) is skipped.</summary>
    /// <param name="path">The JSONL file.</param>
    /// <exception cref="InvalidDataException">A line is not a metrics record; the message names the file and line.</exception>
    public static IReadOnlyList<MetricsRecord> Read(string path) => Read(path, out _);

    /// <summary>
    /// Reads every record of a metrics file. A last line that is not complete JSON — a write cut short by a crash, or
    /// one still being written by a live run — is skipped and returned in <paramref name="tornLastLine"/>; any other
    /// malformed line is an error.
    /// </summary>
    /// <param name="path">The JSONL file.</param>
    /// <param name="tornLastLine">The skipped torn last line, or <see langword="null"/>.</param>
    /// <exception cref="InvalidDataException">A line is not a metrics record; the message names the file and line.</exception>
    public static IReadOnlyList<MetricsRecord> Read(string path, out string? tornLastLine)
    {
        var records = new List<MetricsRecord>();
        foreach (var (line, lineNumber) in ReadLines(path, out tornLastLine))
        {
            records.Add(Parse(path, line, lineNumber));
        }
        return records;
    }

    private static MetricsRecord Parse(string path, string line, int lineNumber)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var values = new Dictionary<string, double>();
            foreach (var p in root.EnumerateObject())
            {
                if (p.Name is "step" or "split" or "time") continue;
                values[p.Name] = p.Value.ValueKind == JsonValueKind.Null ? double.NaN : p.Value.GetDouble();
            }
            return new MetricsRecord(root.GetProperty("step").GetInt64(), root.GetProperty("split").GetString()!, values);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}:{lineNumber}: not a metrics record ({e.Message})", e);
        }
    }

    /// <summary>The non-empty lines with their numbers, without a torn last line (returned apart).</summary>
    private static List<(string Line, int Number)> ReadLines(string path, out string? tornLastLine)
    {
        var lines = new List<(string, int)>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Length > 0) lines.Add((line, number));
        }
        tornLastLine = null;
        if (lines.Count > 0 && IsTorn(lines[^1].Item1))
        {
            tornLastLine = lines[^1].Item1;
            lines.RemoveAt(lines.Count - 1);
        }
        return lines;
    }

    /// <summary>Whether <paramref name="line"/> is not complete JSON (every prefix of a record is not).</summary>
    private static bool IsTorn(string line)
    {
        try
        {
            using var _ = JsonDocument.Parse(line);
            return false;
        }
        catch (JsonException)
        {
            return true;
        }
    }

    /// <summary>
    /// Cuts a torn last line off <paramref name="path"/>: a last line that is not complete JSON, left by a process killed
    /// while writing it. A complete last record missing only its newline gets the newline. Call it only while no other
    /// process writes the file (the trainer holds the run folder's lock); readers use <see cref="Read(string, out string?)"/>,
    /// which skips such a line without changing the file.
    /// </summary>
    /// <param name="path">The JSONL file; nothing happens when it does not exist.</param>
    /// <returns>The text removed, or <see langword="null"/> when the file was whole.</returns>
    public static string? RemoveTornLastLine(string path)
    {
        if (!File.Exists(path)) return null;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        var length = stream.Length;
        if (length == 0) return null;
        var tail = (int)Math.Min(length, 1 << 20);
        var buffer = new byte[tail];
        stream.Position = length - tail;
        stream.ReadExactly(buffer);
        var end = buffer[^1] == (byte)'\n' ? tail - 1 : tail;
        if (end == 0) return null;
        var start = Array.LastIndexOf(buffer, (byte)'\n', Math.Max(end - 1, 0)) + 1;
        if (end > 0 && buffer[end - 1] == (byte)'\n') start = end; // the file ends with an empty line
        var last = Encoding.UTF8.GetString(buffer, start, end - start);
        if (last.Trim().Length == 0 || !IsTorn(last))
        {
            if (end == tail && last.Trim().Length > 0)
            {
                stream.Position = length;
                stream.WriteByte((byte)'\n');
            }
            return null;
        }
        stream.SetLength(length - tail + start);
        stream.Flush(flushToDisk: true);
        return last;
    }

    /// <summary>
    /// Drops the records after <paramref name="step"/> (rewriting the file atomically), so that a run resumed
    /// from a checkpoint at that step does not log the same steps twice.
    /// </summary>
    /// <param name="path">The JSONL file; nothing happens when it does not exist.</param>
    /// <param name="step">The last step to keep.</param>
    /// <exception cref="InvalidDataException">A line other than a torn last one (which is dropped) is not a metrics record.</exception>
    public static void TruncateAfter(string path, long step)
    {
        if (!File.Exists(path)) return;
        var kept = new List<string>();
        foreach (var (line, number) in ReadLines(path, out _))
        {
            if (Parse(path, line, number).Step <= step) kept.Add(line);
        }
        AtomicFile.WriteAllText(path, kept.Count == 0 ? "" : string.Join('\n', kept) + "\n");
    }

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();
}
