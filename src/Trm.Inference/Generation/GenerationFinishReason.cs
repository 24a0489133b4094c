namespace Trm.Inference.Generation;

/// <summary>Why a row stopped generating.</summary>
public enum GenerationFinishReason
{
    /// <summary>It produced one of the stop tokens.</summary>
    StopToken,

    /// <summary>Its text came to contain one of the stop strings.</summary>
    StopString,

    /// <summary>It reached the maximum number of new tokens.</summary>
    Length,

    /// <summary>The model's positions (<c>seq_len</c>) ran out.</summary>
    ContextFull,
}
