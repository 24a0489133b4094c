namespace Trm.Data.TokenStream;

/// <summary>How a <see cref="TokenBatchSampler"/> picks offsets (nanoGPT's <c>--sampling_method</c>).</summary>
public enum TokenSamplingMethod
{
    /// <summary>Uniformly random offsets, with replacement.</summary>
    Random,

    /// <summary>Consecutive, non-overlapping blocks <c>0, T, 2T, …</c>, wrapping to 0 at the end.</summary>
    Sequential,

    /// <summary>A fresh pseudo-random permutation of every valid offset per epoch: each offset once per epoch, reshuffled when exhausted.</summary>
    WithoutReplacement,
}
