namespace Trm.Data.Readers;

/// <summary>What a reader does with bytes that are not valid UTF-8.</summary>
public enum InvalidUtf8Policy
{
    /// <summary>Stop with a <see cref="TrmDataException"/> naming the file, line and byte offset (default).</summary>
    Error,

    /// <summary>Replace each invalid sequence with U+FFFD and count it.</summary>
    Replace,

    /// <summary>Drop each invalid sequence and count it.</summary>
    Skip,
}
