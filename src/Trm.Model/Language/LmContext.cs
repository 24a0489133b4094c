using Trm.Model.Layers;
using Trm.Torch;

namespace Trm.Model.Language;

/// <summary>
/// What every attention layer of one causal forward pass shares: the rotary tables gathered at each token's position,
/// the attention mask (null: plain causal), and the KV cache with the number of positions already in it. Each
/// attention call takes the next cache slot, so the slots follow the order of the recursion.
/// </summary>
internal sealed class LmContext
{
    private int _nextSlot;

    public LmContext(Tensor? cos, Tensor? sin, Tensor? mask, TrmKvCache? cache)
    {
        Cos = cos;
        Sin = sin;
        Mask = mask;
        Cache = cache;
        PastLength = cache?.Length ?? 0;
    }

    /// <summary>[B, T, 1, headDim] float32 cosines at each token's position, or null without RoPE.</summary>
    public Tensor? Cos { get; }

    /// <summary>[B, T, 1, headDim] float32 sines, or null without RoPE.</summary>
    public Tensor? Sin { get; }

    /// <summary>[B, 1, T, past + T] bool, true where a query may attend; null means causal over the T new positions alone.</summary>
    public Tensor? Mask { get; }

    /// <summary>The cache the keys and values go to, or null.</summary>
    public TrmKvCache? Cache { get; }

    /// <summary>Positions cached before this pass.</summary>
    public int PastLength { get; }

    /// <summary>The slot of the next attention call.</summary>
    public int TakeSlot() => _nextSlot++;

    /// <summary>
    /// Builds the context of a pass over <paramref name="length"/> new positions (tensors in the caller's dispose scope).
    /// Positions count real tokens only, so a left-padded row sees the same positions as unpadded; a query attends to
    /// the real keys at or before it (padding never), and a padding query to itself alone (no empty softmax row).
    /// </summary>
    /// <param name="batch">Rows.</param>
    /// <param name="length">New positions T.</param>
    /// <param name="attentionMask">[B, T], nonzero for real tokens; null: all real.</param>
    /// <param name="cache">The cache the pass extends, or null.</param>
    /// <param name="rope">Rotary tables, or null.</param>
    /// <param name="device">The model's device.</param>
    /// <param name="positions">[B, T] int64 position of each token.</param>
    /// <param name="valid">[B, T] bool: real tokens.</param>
    public static LmContext Create(long batch, long length, Tensor? attentionMask, TrmKvCache? cache, RotaryEmbedding? rope, Device device,
        out Tensor positions, out Tensor valid)
    {
        int past = cache?.Length ?? 0;
        valid = attentionMask is null ? Tensors.Ones([batch, length], DType.Bool, device) : attentionMask.To(device, DType.Bool);
        var start = cache is null ? Tensors.Zeros([batch, 1], DType.Int64, device) : cache.NextPosition.View(batch, 1);
        positions = (start + valid.To(DType.Int64).CumSum(1) - 1).Clamp(min: 0);

        Tensor? mask = null;
        if (attentionMask is not null || cache is not null)
        {
            var keyValid = past == 0 ? valid : Tensors.Cat([cache!.ValidPrefix, valid], 1);
            var below = Tensors.Ones([length, past + length], DType.Bool, device).Tril(past); // key ≤ query
            var self = below.LogicalAnd(Tensors.Ones([length, past + length], DType.Bool, device).Triu(past)); // key = query
            mask = below.Unsqueeze(0).LogicalAnd(keyValid.Unsqueeze(1)).LogicalOr(self.Unsqueeze(0)).Unsqueeze(1);
        }

        Tensor? cos = null, sin = null;
        if (rope is not null)
        {
            (cos, sin) = rope.At(positions);
        }

        return new LmContext(cos, sin, mask, cache);
    }
}
