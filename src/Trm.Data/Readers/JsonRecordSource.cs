using System.Text;
using System.Text.Json;

namespace Trm.Data.Readers;

/// <summary>
/// Enumerates the JSON records of a JSONL file or of a top-level JSON list (gzip or not), one at a time; Parquet files
/// are read row by row as JSON objects (see <see cref="ParquetRecordSource"/>).
/// </summary>
internal static class JsonRecordSource
{
    /// <summary>Whether the file's first non-blank byte opens a JSON list.</summary>
    public static bool IsJsonList(string path)
    {
        using var stream = DataFile.OpenRead(path);
        int b;
        while ((b = stream.ReadByte()) >= 0)
        {
            if (b is ' ' or '\t' or '\r' or '\n' or 0xEF or 0xBB or 0xBF)
                continue;
            return b == '[';
        }
        return false;
    }

    /// <summary>
    /// Enumerates the records. Each <see cref="JsonRecord.Root"/> is valid until the enumerator moves on. Malformed JSON
    /// throws, or is skipped into <paramref name="report"/> for JSONL under <see cref="MalformedRecordPolicy.Skip"/>
    /// (a JSON list cannot be resynchronised after a syntax error, so it always throws).
    /// </summary>
    public static IEnumerable<JsonRecord> Read(string path, ReadReport report, MalformedRecordPolicy policy, CancellationToken cancellationToken)
    {
        if (ParquetRecordSource.IsParquet(path))
            return ParquetRecordSource.Read(path, report, policy, cancellationToken);
        return IsJsonList(path) && !JsonlChatLines.IsMessageListPerLine(path) ? ReadList(path, report, cancellationToken) : ReadLines(path, report, policy, cancellationToken);
    }

    private static IEnumerable<JsonRecord> ReadList(string path, ReadReport report, CancellationToken cancellationToken)
    {
        using var stream = DataFile.OpenRead(path);
        var splitter = new JsonListSplitter(stream, path);
        while (splitter.TryNext(out var element))
        {
            cancellationToken.ThrowIfCancellationRequested();
            report.RecordsRead++;
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(element);
            }
            catch (JsonException e)
            {
                throw new TrmDataException($"invalid JSON: {e.Message}", path, splitter.Index, null, e);
            }
            using (document)
                yield return new JsonRecord(document.RootElement, path, splitter.Index);
        }
    }

    private static IEnumerable<JsonRecord> ReadLines(string path, ReadReport report, MalformedRecordPolicy policy, CancellationToken cancellationToken)
    {
        using var stream = DataFile.OpenRead(path);
        using var text = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        long lineNumber = 0;
        while (text.ReadLine() is { } line)
        {
            lineNumber++;
            cancellationToken.ThrowIfCancellationRequested();
            if (string.IsNullOrWhiteSpace(line))
                continue;
            report.RecordsRead++;
            JsonDocument? document = null;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException e)
            {
                var error = new TrmDataException($"invalid JSON: {e.Message}", path, lineNumber, null, e);
                if (policy == MalformedRecordPolicy.Throw)
                    throw error;
                report.AddSkip(error);
            }
            if (document is null)
                continue;
            using (document)
                yield return new JsonRecord(document.RootElement, path, lineNumber);
        }
    }
}
