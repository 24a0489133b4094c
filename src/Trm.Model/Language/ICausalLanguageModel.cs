using Trm.Torch;

namespace Trm.Model.Language;

/// <summary>
/// A causal language model over token ids: the causal TRM (<see cref="TrmModel"/> with <see cref="TrmConfig.Causal"/>)
/// or the plain transformer baseline (<see cref="PlainTransformer"/>). Generation runs on this interface.
/// </summary>
public interface ICausalLanguageModel
{
    /// <summary>The model's configuration.</summary>
    TrmConfig Config { get; }

    /// <summary>The device of the model's weights.</summary>
    Device Device { get; }

    /// <summary>Most positions a sequence can have (the position tables' length, <see cref="TrmConfig.SeqLen"/>).</summary>
    int MaxPositions { get; }

    /// <summary>
    /// Logits for every position in one forward pass. With <paramref name="cache"/>, the ids are the next positions of
    /// the sequences the cache holds (their keys and values are appended; run without gradients); without, they are
    /// whole sequences. Rows of different lengths are padded (left or right) and marked by <paramref name="attentionMask"/>:
    /// padding is never attended to and does not count as a position.
    /// </summary>
    /// <param name="inputIds">[B, T] integer token ids.</param>
    /// <param name="attentionMask">[B, T], nonzero for real tokens, zero for padding; null: every token is real.</param>
    /// <param name="cache">A cache from <see cref="CreateKvCache"/>, or null.</param>
    /// <returns>[B, T, VocabSize] logits in the forward dtype (the caller's dispose scope owns them).</returns>
    Tensor LmForward(Tensor inputIds, Tensor? attentionMask = null, TrmKvCache? cache = null);

    /// <summary>An empty KV cache for <paramref name="batchSize"/> rows on the model's device.</summary>
    /// <param name="batchSize">Rows.</param>
    /// <param name="capacity">Most positions (default <see cref="MaxPositions"/>).</param>
    TrmKvCache CreateKvCache(long batchSize, int? capacity = null);
}
