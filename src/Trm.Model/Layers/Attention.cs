using Trm.Model.Language;
using Trm.Torch;
using Trm.Torch.Nn;

namespace Trm.Model.Layers;

/// <summary>
/// Multi-head self-attention without biases (the reference's <c>Attention</c>): one fused projection
/// <c>qkv_proj</c> [3·hidden, hidden], optional RoPE on queries and keys, scaled-dot-product attention and the
/// output projection <c>o_proj</c> [hidden, hidden].
/// </summary>
internal sealed class Attention : Module
{
    private readonly int _numHeads;
    private readonly int _headDim;
    private readonly bool _causal;
    private readonly CastedLinear _qkv;
    private readonly CastedLinear _out;

    public Attention(int hiddenSize, int numHeads, bool causal, Generator? generator)
    {
        _numHeads = numHeads;
        _headDim = hiddenSize / numHeads;
        _causal = causal;
        _qkv = RegisterModule("qkv_proj", new CastedLinear(hiddenSize, 3L * numHeads * _headDim, bias: false, generator));
        _out = RegisterModule("o_proj", new CastedLinear((long)numHeads * _headDim, hiddenSize, bias: false, generator));
    }

    /// <param name="x">[B, S, hidden].</param>
    /// <param name="rope">Rotary tables, or null without RoPE.</param>
    public Tensor Forward(Tensor x, RotaryEmbedding? rope)
    {
        using var scope = Engine.NewDisposeScope(); // temporaries die on return
        long batch = x.Size(0), seq = x.Size(1);
        var qkv = _qkv.Forward(x).View(batch, seq, 3L * _numHeads, _headDim);
        var query = qkv.Narrow(2, 0, _numHeads);
        var key = qkv.Narrow(2, _numHeads, _numHeads);
        var value = qkv.Narrow(2, 2L * _numHeads, _numHeads);
        if (rope is not null)
        {
            query = rope.Apply(query);
            key = rope.Apply(key);
        }

        // [B, S, H, D] -> [B, H, S, D] for attention, and back.
        var attended = F.ScaledDotProductAttention(
            query.Transpose(1, 2), key.Transpose(1, 2), value.Transpose(1, 2), isCausal: _causal);
        var merged = attended.Transpose(1, 2).Reshape(batch, seq, (long)_numHeads * _headDim);
        return scope.MoveToOuter(_out.Forward(merged));
    }

    /// <summary>
    /// Causal self-attention of a language-model pass: RoPE at each token's own position, the context's mask (padding
    /// and causality), and — with a KV cache — this call's keys and values appended to its cache slot and attention
    /// over every cached position of the same slot.
    /// </summary>
    /// <param name="x">[B, T, hidden], the T new positions.</param>
    /// <param name="context">The pass's positions, mask and cache.</param>
    public Tensor Forward(Tensor x, LmContext context)
    {
        using var scope = Engine.NewDisposeScope();
        long batch = x.Size(0), seq = x.Size(1);
        var qkv = _qkv.Forward(x).View(batch, seq, 3L * _numHeads, _headDim);
        var query = qkv.Narrow(2, 0, _numHeads);
        var key = qkv.Narrow(2, _numHeads, _numHeads);
        var value = qkv.Narrow(2, 2L * _numHeads, _numHeads);
        if (context.Cos is not null)
        {
            query = RotaryEmbedding.Apply(query, context.Cos, context.Sin!);
            key = RotaryEmbedding.Apply(key, context.Cos, context.Sin!);
        }

        var keys = key.Transpose(1, 2);
        var values = value.Transpose(1, 2);
        if (context.Cache is { } cache)
        {
            // Append this application's keys/values at [past, past + T) and attend over [0, past + T).
            var (cachedKeys, cachedValues) = cache.Slot(context.TakeSlot(), _numHeads, _headDim, keys.DType);
            cachedKeys.Narrow(2, context.PastLength, seq).CopyFrom_(keys);
            cachedValues.Narrow(2, context.PastLength, seq).CopyFrom_(values);
            keys = cachedKeys.Narrow(2, 0, context.PastLength + seq);
            values = cachedValues.Narrow(2, 0, context.PastLength + seq);
        }

        var attended = context.Mask is null
            ? F.ScaledDotProductAttention(query.Transpose(1, 2), keys, values, isCausal: true)
            : F.ScaledDotProductAttention(query.Transpose(1, 2), keys, values, mask: context.Mask);
        var merged = attended.Transpose(1, 2).Reshape(batch, seq, (long)_numHeads * _headDim);
        return scope.MoveToOuter(_out.Forward(merged));
    }
}
