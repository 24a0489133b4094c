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
}
