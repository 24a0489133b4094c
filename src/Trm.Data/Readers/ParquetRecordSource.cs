using System.Collections;
using System.Globalization;
using System.Text.Json;
using Parquet;
using Parquet.Serialization;

namespace Trm.Data.Readers;

/// <summary>
/// Reads a Parquet file (the Hugging Face hub's dataset shards) row by row as JSON objects, so the chat mappers apply
/// unchanged: a column becomes a field, a list column a JSON list, a struct an object (<c>messages</c> of
/// <c>role</c>/<c>content</c> structs, flat <c>question</c>/<c>answer</c> columns…); null values are left out. One row
/// group is held in memory at a time. A record's line is its 1-based row number in the file.
/// </summary>
internal static class ParquetRecordSource
{
    private static readonly byte[] Magic = "PAR1"u8.ToArray();

    /// <summary>Whether <paramref name="path"/> starts with the Parquet magic bytes <c>PAR1</c>.</summary>
    public static bool IsParquet(string path)
    {
        if (!File.Exists(path))
            return false;
        using var file = File.OpenRead(path);
        Span<byte> head = stackalloc byte[4];
        return file.ReadAtLeast(head, 4, throwOnEndOfStream: false) == 4 && head.SequenceEqual(Magic);
    }

    /// <summary>Enumerates the rows; each <see cref="JsonRecord.Root"/> is valid until the enumerator moves on.</summary>
    /// <exception cref="TrmDataException">The file is not valid Parquet (always thrown: a broken file cannot be resynchronised).</exception>
    public static IEnumerable<JsonRecord> Read(string path, ReadReport report, MalformedRecordPolicy policy, CancellationToken cancellationToken)
    {
        _ = policy; // a row is always well-formed JSON; malformed fields are the mappers' business
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var groups = Run(path, null, () => RowGroupCount(stream, cancellationToken));
        long row = 0;
        for (var group = 0; group < groups; group++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            stream.Position = 0;
            var g = group;
            var rows = Run(path, row + 1, () => ParquetSerializer.DeserializeUntypedAsync(stream, null, g, cancellationToken).GetAwaiter().GetResult().Data);
            foreach (var values in rows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                row++;
                report.RecordsRead++;
                using var document = JsonDocument.Parse(ToJson(values));
                yield return new JsonRecord(document.RootElement, path, row);
            }
        }
    }

    private static int RowGroupCount(Stream stream, CancellationToken cancellationToken)
    {
        var reader = ParquetReader.CreateAsync(stream, leaveStreamOpen: true, cancellationToken: cancellationToken).GetAwaiter().GetResult();
        try
        {
            return reader.RowGroupCount;
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Runs a Parquet.Net call, turning its failures into a <see cref="TrmDataException"/> naming the file.</summary>
    private static T Run<T>(string path, long? row, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not OperationCanceledException and not TrmDataException and not OutOfMemoryException)
        {
            throw new TrmDataException($"not a readable Parquet file: {e.Message}", path, row, null, e);
        }
    }

    /// <summary>The row as UTF-8 JSON.</summary>
    internal static byte[] ToJson(IDictionary<string, object> values)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            WriteValue(writer, values);
        return buffer.ToArray();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case ReadOnlyMemory<char> chars:
                writer.WriteStringValue(chars.Span);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case byte[] bytes:
                writer.WriteBase64StringValue(bytes);
                break;
            case sbyte or byte or short or ushort or int or uint or long:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong big:
                writer.WriteNumberValue(big);
                break;
            case float or double or decimal:
                var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (double.IsFinite(number))
                    writer.WriteNumberValue(number);
                else
                    writer.WriteStringValue(number.ToString(CultureInfo.InvariantCulture));
                break;
            case IDictionary dictionary:
                writer.WriteStartObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    if (entry.Value is null)
                        continue;
                    writer.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "");
                    WriteValue(writer, entry.Value);
                }
                writer.WriteEndObject();
                break;
            case IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items)
                    WriteValue(writer, item);
                writer.WriteEndArray();
                break;
            case IFormattable formattable:
                writer.WriteStringValue(formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                writer.WriteStringValue(value.ToString());
                break;
        }
    }
}
