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

    /// <summary>Opens (appending) or creates <paramref name="path"/>; its folder is created when missing.</summary>
    /// <param name="path">The JSONL file.</param>
    public MetricsJsonlWriter(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
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

    /// <summary>Reads every record of a metrics file.</summary>
    /// <param name="path">The JSONL file.</param>
    /// <exception cref="InvalidDataException">A line is not a metrics object; the message names the file and line.</exception>
    public static IReadOnlyList<MetricsRecord> Read(string path)
    {
        var records = new List<MetricsRecord>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0) continue;
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
                records.Add(new MetricsRecord(root.GetProperty("step").GetInt64(), root.GetProperty("split").GetString()!, values));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: not a metrics record ({e.Message})", e);
            }
        }
        return records;
    }

    /// <summary>
    /// Drops the records after <paramref name="step"/> (rewriting the file atomically), so that a run resumed
    /// from a checkpoint at that step does not log the same steps twice.
    /// </summary>
    /// <param name="path">The JSONL file; nothing happens when it does not exist.</param>
    /// <param name="step">The last step to keep.</param>
    public static void TruncateAfter(string path, long step)
    {
        if (!File.Exists(path)) return;
        var kept = new List<string>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0) continue;
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.GetProperty("step").GetInt64() <= step) kept.Add(line);
        }
        AtomicFile.WriteAllText(path, kept.Count == 0 ? "" : string.Join('\n', kept) + "\n");
    }

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();
}
