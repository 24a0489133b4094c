using Trm.Torch;
using Trm.Torch.Nn;

namespace Trm.Model.Layers;

/// <summary>
/// Rotary position embedding tables (the reference's <c>RotaryEmbedding</c>): cos and sin of position · inverse
/// frequency, with the frequencies repeated for both halves of the head ([positions, headDim], float32,
/// non-persistent buffers <c>cos_cached</c> / <c>sin_cached</c>).
/// </summary>
internal sealed class RotaryEmbedding : Module
{
    public RotaryEmbedding(int headDim, int maxPositions, double theta)
    {
        var cos = new float[maxPositions * headDim];
        var sin = new float[maxPositions * headDim];
        int half = headDim / 2;
        for (int i = 0; i < half; i++)
        {
            // float32 arithmetic where the reference computes in float32: exponent and the angle.
            float exponent = (float)(2 * i) / headDim;
            float invFreq = 1f / (float)Math.Pow(theta, exponent);
            for (int p = 0; p < maxPositions; p++)
            {
                float angle = p * invFreq;
                float c = (float)Math.Cos(angle), s = (float)Math.Sin(angle);
                cos[p * headDim + i] = c;
                cos[p * headDim + i + half] = c;
                sin[p * headDim + i] = s;
                sin[p * headDim + i + half] = s;
            }
        }

        Cos = RegisterBuffer("cos_cached", Tensors.FromArray(cos, maxPositions, headDim), persistent: false);
        Sin = RegisterBuffer("sin_cached", Tensors.FromArray(sin, maxPositions, headDim), persistent: false);
    }

    public Tensor Cos { get; }

    public Tensor Sin { get; }

    /// <summary>Rotates queries or keys laid out [B, S, heads, headDim]; computed in float32, returned in x's dtype.</summary>
    public Tensor Apply(Tensor x)
    {
        using var scope = Engine.NewDisposeScope(); // temporaries die on return
        return scope.MoveToOuter(Apply(x, Cos.Unsqueeze(-2), Sin.Unsqueeze(-2)));
    }

    /// <summary>The tables at the given positions: cos and sin [B, T, 1, headDim] for positions [B, T] (int64).</summary>
    public (Tensor Cos, Tensor Sin) At(Tensor positions)
    {
        using var scope = Engine.NewDisposeScope();
        long batch = positions.Size(0), length = positions.Size(1);
        var flat = positions.Reshape(-1);
        var cos = Cos.IndexSelect(0, flat).View(batch, length, 1, Cos.Size(1));
        var sin = Sin.IndexSelect(0, flat).View(batch, length, 1, Sin.Size(1));
        return (scope.MoveToOuter(cos), scope.MoveToOuter(sin));
    }

    /// <summary>Rotates x [B, S, heads, headDim] with tables broadcastable to it (float32), returned in x's dtype.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = Engine.NewDisposeScope();
        var xf = Casting.To(x, cos.DType);
        var rotated = xf * cos + RotateHalf(xf) * sin;
        return scope.MoveToOuter(Casting.To(rotated, x.DType));
    }

    private static Tensor RotateHalf(Tensor x)
    {
        var halves = x.Chunk(2, -1);
        return Tensors.Cat([-halves[1], halves[0]], -1);
    }
}
