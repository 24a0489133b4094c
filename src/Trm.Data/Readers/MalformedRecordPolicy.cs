namespace Trm.Data.Readers;

/// <summary>What a reader does with a malformed record.</summary>
public enum MalformedRecordPolicy
{
    /// <summary>Throw a <see cref="TrmDataException"/> naming the file, line and field.</summary>
    Throw,

    /// <summary>Skip the record, count it in the <see cref="ReadReport"/> with its file:line and reason.</summary>
    Skip,
}
