namespace Trm.Model;

/// <summary>How token positions are encoded (the reference's <c>pos_encodings</c>).</summary>
public enum PositionEncoding
{
    /// <summary>Rotary position embeddings applied to queries and keys (<c>"rope"</c>).</summary>
    Rope,

    /// <summary>A learned position table added to the input embeddings, scaled by 1/√2 (<c>"learned"</c>).</summary>
    Learned,

    /// <summary>No position information (<c>"none"</c>); the usual choice with the token-mixing MLP.</summary>
    None,
}
