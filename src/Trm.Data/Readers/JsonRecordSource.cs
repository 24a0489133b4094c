using System.Text;
using System.Text.Json;

namespace Trm.Data.Readers;

/// <summary>
/// Enumerates the JSON records of a JSONL file or of a top-level JSON list (gzip or not), one at a time; Parquet files
/// are read row by row as JSON objects (see <see cref="ParquetRecordSource"/>).
/// </summary>
internal static class JsonRecordSource
{
    /// <summary>The largest record accepted: a JSONL line of this many characters, or a JSON-list element of this many bytes.</summary>
    public const int MaxRecordChars = 16 << 20;

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
    /// <remarks>Bytes that are not UTF-8 are handled by <paramref name="utf8"/>; the replaced or dropped ones are counted in <paramref name="report"/>.</remarks>
    public static IEnumerable<JsonRecord> Read(string path, ReadReport report, MalformedRecordPolicy policy, CancellationToken cancellationToken,
        InvalidUtf8Policy utf8 = InvalidUtf8Policy.Error)
    {
        if (ParquetRecordSource.IsParquet(path))
            return ParquetRecordSource.Read(path, report, policy, cancellationToken);
        return IsJsonList(path) && !JsonlChatLines.IsMessageListPerLine(path) ? ReadList(path, report, utf8, cancellationToken) : ReadLines(path, report, policy, utf8, cancellationToken);
    }

    private static IEnumerable<JsonRecord> ReadList(string path, ReadReport report, InvalidUtf8Policy utf8, CancellationToken cancellationToken)
    {
        using var stream = new Utf8CheckingStream(DataFile.OpenRead(path), path, utf8);
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
                throw new TrmDataException($"invalid JSON: {e.Message}", path, splitter.Line + (e.LineNumber ?? 0), null, e) { Record = splitter.Index };
            }
            report.InvalidUtf8 = stream.InvalidSequences;
            using (document)
                yield return new JsonRecord(document.RootElement, path, splitter.Line, splitter.Index);
        }
        report.InvalidUtf8 = stream.InvalidSequences;
    }

    private static IEnumerable<JsonRecord> ReadLines(string path, ReadReport report, MalformedRecordPolicy policy, InvalidUtf8Policy utf8, CancellationToken cancellationToken)
    {
        using var stream = new Utf8CheckingStream(DataFile.OpenRead(path), path, utf8);
        using var text = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        long lineNumber = 0;
        foreach (var line in BoundedLineReader.Read(text, path))
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
            report.InvalidUtf8 = stream.InvalidSequences;
            if (document is null)
                continue;
            using (document)
                yield return new JsonRecord(document.RootElement, path, lineNumber);
        }
        report.InvalidUtf8 = stream.InvalidSequences;
    }
}
