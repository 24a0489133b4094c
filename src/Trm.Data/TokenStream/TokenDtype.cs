namespace Trm.Data.TokenStream;

/// <summary>The element type of a <c>.bin</c> token stream (flat, little-endian, no header).</summary>
public enum TokenDtype
{
    /// <summary>2 bytes per token; used when the vocabulary has at most 65,536 ids.</summary>
    UInt16,

    /// <summary>4 bytes per token; used for larger vocabularies.</summary>
    UInt32,
}

/// <summary>Helpers for <see cref="TokenDtype"/>.</summary>
public static class TokenDtypes
{
    /// <summary>The narrowest type that holds ids <c>0 .. vocabSize-1</c>.</summary>
    public static TokenDtype ForVocabSize(int vocabSize) => vocabSize <= 1 << 16 ? TokenDtype.UInt16 : TokenDtype.UInt32;

    /// <summary>Bytes per token.</summary>
    public static int Size(this TokenDtype dtype) => dtype == TokenDtype.UInt16 ? 2 : 4;

    /// <summary>The numpy-style name (<c>uint16</c>, <c>uint32</c>) used in <c>meta.json</c>.</summary>
    public static string Name(this TokenDtype dtype) => dtype == TokenDtype.UInt16 ? "uint16" : "uint32";

    /// <summary>Parses a numpy-style name.</summary>
    /// <exception cref="TrmDataException">Unknown name.</exception>
    public static TokenDtype Parse(string name) => name switch
    {
        "uint16" => TokenDtype.UInt16,
        "uint32" => TokenDtype.UInt32,
        _ => throw new TrmDataException($"unknown token dtype '{name}' (expected uint16 or uint32)"),
    };
}
