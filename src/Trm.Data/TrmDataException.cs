namespace Trm.Data;

/// <summary>
/// Raised when a data file is malformed or a dataset operation fails. Carries the file, the 1-based line, the record index
/// (for the elements of a JSON list) and the field involved when they are known, and puts them in
/// <see cref="Exception.Message"/> as <c>file:line: record K: field 'x': reason</c>.
/// </summary>
public sealed class TrmDataException : Exception
{
    /// <summary>Creates an exception with a plain message and no location.</summary>
    public TrmDataException(string message) : base(message) => Reason = message;

    /// <summary>Creates an exception with a plain message, no location and an inner cause.</summary>
    public TrmDataException(string message, Exception? innerException) : base(message, innerException) => Reason = message;

    /// <summary>Creates an exception located at <paramref name="file"/>, <paramref name="line"/> and <paramref name="field"/> (each optional).</summary>
    /// <param name="reason">What is wrong, without the location.</param>
    /// <param name="file">The file involved, or <see langword="null"/>.</param>
    /// <param name="line">The 1-based line (for a JSON list element: the line where the element starts), or <see langword="null"/>.</param>
    /// <param name="field">The field involved, or <see langword="null"/>.</param>
    /// <param name="innerException">The underlying cause, or <see langword="null"/>.</param>
    public TrmDataException(string reason, string? file, long? line, string? field, Exception? innerException = null)
        : base(Format(reason, file, line, field), innerException)
    {
        Reason = reason;
        File = file;
        Line = line;
        Field = field;
    }

    /// <summary>The reason without the location prefix.</summary>
    public string Reason { get; }

    /// <summary>The file involved, when known.</summary>
    public string? File { get; }

    /// <summary>The 1-based line number, when known.</summary>
    public long? Line { get; }

    /// <summary>The 1-based index of the element in a JSON list, when the file is one.</summary>
    public long? Record { get; init; }

    /// <summary><c>file:line: record K: field 'x': reason</c>, leaving out the parts that are unknown.</summary>
    public override string Message => Record is null ? base.Message : Format(Reason, File, Line, Field, Record);

    /// <summary>The field involved, when known.</summary>
    public string? Field { get; }

    /// <summary>Formats <c>file:line: field 'x': reason</c>, leaving out the parts that are unknown.</summary>
    internal static string Format(string reason, string? file, long? line, string? field, long? record = null)
    {
        var location = file is null ? (line is null ? "" : $"line {line}") : (line is null ? file : $"{file}:{line}");
        var prefix = location.Length == 0 ? "" : location + ": ";
        if (record is not null)
            prefix += $"record {record}: ";
        if (field is not null)
            prefix += $"field '{field}': ";
        return prefix + reason;
    }
}
