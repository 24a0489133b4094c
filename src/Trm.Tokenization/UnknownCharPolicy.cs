namespace Trm.Tokenization;

/// <summary>What <see cref="CharTokenizer"/> does with a character that is not in its vocabulary.</summary>
public enum UnknownCharPolicy
{
    /// <summary>Throw an <see cref="ArgumentException"/> naming the character and its position (the default).</summary>
    Throw,

    /// <summary>Encode it as the <c>&lt;unk&gt;</c> special token (added after the characters).</summary>
    MapToUnknown,

    /// <summary>Leave it out.</summary>
    Skip,
}
