namespace Trm.Data.TokenStream;

/// <summary>How a <see cref="TokenBatchSampler"/> uses several token streams (nanoGPT's <c>--training_mode</c>).</summary>
public enum TokenSamplingMode
{
    /// <summary>One stream.</summary>
    Single,

    /// <summary>Each batch comes from one stream, chosen by probability or by interleaving counts; each stream keeps its own position.</summary>
    MultiDataset,

    /// <summary>Every batch row takes the same offset in every stream (position-aligned streams, e.g. text + annotations).</summary>
    MultiContext,
}
