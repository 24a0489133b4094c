using Trm.Model.Language;
using Trm.Model.Layers;
using Trm.Torch;
using Trm.Torch.Nn;

namespace Trm.Model;

/// <summary>
/// One post-norm block of the reasoning stack: token mixing (self-attention, or with <c>mlp_t</c> a SwiGLU across
/// the sequence axis), then a SwiGLU across channels; each sub-layer is h = rms_norm(h + f(h)).
/// State keys: <c>self_attn.*</c> or <c>mlp_t.*</c>, and <c>mlp.*</c>.
/// </summary>
internal sealed class TrmBlock : Module
{
    private readonly Attention? _attention;
    private readonly SwiGlu? _tokenMlp;
    private readonly SwiGlu _mlp;
    private readonly double _eps;

    public TrmBlock(TrmConfig config, Generator? generator)
    {
        if (config.MlpT)
        {
            _tokenMlp = RegisterModule("mlp_t", new SwiGlu(config.TotalSeqLen, config.Expansion, generator));
        }
        else
        {
            _attention = RegisterModule("self_attn", new Attention(config.HiddenSize, config.NumHeads, config.Causal, generator));
        }

        _mlp = RegisterModule("mlp", new SwiGlu(config.HiddenSize, config.Expansion, generator));
        _eps = config.RmsNormEps;
    }

    /// <remarks>The residual adds and norms go through <see cref="F.AddRmsNorm"/> (a fused kernel where enabled on CUDA).</remarks>
    /// <param name="h">[B, L, hidden].</param>
    /// <param name="rope">Rotary tables, or null.</param>
    /// <param name="lm">A causal language-model pass (positions, mask, KV cache), or null for the puzzle model's full-sequence pass.</param>
    public Tensor Forward(Tensor h, RotaryEmbedding? rope, LmContext? lm = null)
    {
        using var scope = Engine.NewDisposeScope(); // temporaries die on return
        if (_tokenMlp is not null)
        {
            // Mix along the sequence: work on [B, hidden, L]; the norm then runs over the sequence axis, as the reference.
            var t = h.Transpose(1, 2);
            h = F.AddRmsNorm(t, _tokenMlp.Forward(t), _eps).Transpose(1, 2);
        }
        else
        {
            h = F.AddRmsNorm(h, lm is null ? _attention!.Forward(h, rope) : _attention!.Forward(h, lm), _eps);
        }

        return scope.MoveToOuter(F.AddRmsNorm(h, _mlp.Forward(h), _eps));
    }
}
