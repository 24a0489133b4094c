using Trm.Torch;
using Trm.Torch.Nn;

namespace Trm.Model.Layers;

/// <summary>
/// Gated feed-forward layer: down(silu(gate) · up) with [gate, up] = gate_up(x). The inner width is
/// round(expansion · width · 2/3) rounded up to a multiple of 256 (the reference's <c>_find_multiple</c>).
/// State keys <c>gate_up_proj.weight</c> [2·inner, width], <c>down_proj.weight</c> [width, inner].
/// </summary>
internal sealed class SwiGlu : Module
{
    private readonly CastedLinear _gateUp;
    private readonly CastedLinear _down;

    public SwiGlu(long width, double expansion, Generator? generator)
    {
        long inner = InnerWidth(width, expansion);
        _gateUp = RegisterModule("gate_up_proj", new CastedLinear(width, inner * 2, bias: false, generator));
        _down = RegisterModule("down_proj", new CastedLinear(inner, width, bias: false, generator));
    }

    /// <summary>The reference's inner width for a given layer width and expansion.</summary>
    public static long InnerWidth(long width, double expansion)
    {
        // Python's round() rounds half to even, as Math.Round does by default.
        long target = (long)Math.Round(expansion * width * 2 / 3);
        return (target + 255) / 256 * 256;
    }

    public Tensor Forward(Tensor x)
    {
        // The [.., 2·inner] temporaries are freed on return, as PyTorch frees them when they go out of use.
        using var scope = Engine.NewDisposeScope();
        return scope.MoveToOuter(_down.Forward(F.SwiGlu(_gateUp.Forward(x))));
    }
}
