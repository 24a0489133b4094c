using System.Text;

namespace Trm.Data.Readers;

/// <summary>
/// Splits a text into lines (at <c>\n</c>, dropping a trailing <c>\r</c>) without ever holding more than
/// <see cref="JsonRecordSource.MaxRecordChars"/> characters of one line: a longer line is an error naming it, so a file
/// without line breaks cannot exhaust memory.
/// </summary>
internal static class BoundedLineReader
{
    /// <summary>Yields every line of <paramref name="reader"/>, empty ones included.</summary>
    /// <exception cref="TrmDataException">A line is longer than the limit.</exception>
    public static IEnumerable<string> Read(TextReader reader, string file, int maxChars = JsonRecordSource.MaxRecordChars)
    {
        var line = new StringBuilder();
        var buffer = new char[1 << 16];
        long number = 1;
        int n;
        while ((n = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            var rest = buffer.AsMemory(0, n);
            int end;
            while ((end = rest.Span.IndexOf('\n')) >= 0)
            {
                Append(line, rest.Span[..end], maxChars, file, number);
                yield return Take(line);
                number++;
                rest = rest[(end + 1)..];
            }
            Append(line, rest.Span, maxChars, file, number);
        }
        if (line.Length > 0)
            yield return Take(line);
    }

    private static void Append(StringBuilder line, ReadOnlySpan<char> part, int maxChars, string file, long number)
    {
        if (line.Length + part.Length > maxChars)
            throw new TrmDataException($"line is longer than {maxChars:N0} characters; records this large are refused", file, number, null);
        line.Append(part);
    }

    private static string Take(StringBuilder line)
    {
        if (line.Length > 0 && line[^1] == '\r')
            line.Length--;
        var s = line.ToString();
        line.Clear();
        return s;
    }
}
