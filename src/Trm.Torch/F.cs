using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch;

/// <summary>Functional neural-network ops (PyTorch's torch.nn.functional).</summary>
public static unsafe class F
{
    private static IntPtr Raw(Tensor? t) => t?.RawHandle ?? IntPtr.Zero;

    /// <summary>x·Wᵀ + b with W: [out, in].</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null)
    {
        var r = Tensor.New(trm_linear(x.Handle, weight.Handle, Raw(bias)), "linear");
        GC.KeepAlive(bias);
        return r;
    }

    /// <summary>Rows of <paramref name="weight"/> at the int64 <paramref name="indices"/>.</summary>
    public static Tensor Embedding(Tensor indices, Tensor weight) => Tensor.New(trm_embedding(indices.Handle, weight.Handle), "embedding");

    /// <summary>
    /// Cross entropy of logits [N, C] (or [N, C, d…]) against int64 class targets [N] (or [N, d…]); targets equal to
    /// <paramref name="ignoreIndex"/> contribute nothing (and are excluded from the mean).
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor target, long ignoreIndex = -100, Reduction reduction = Reduction.Mean,
        double labelSmoothing = 0, Tensor? weight = null)
    {
        var r = Tensor.New(trm_cross_entropy(logits.Handle, target.Handle, Raw(weight), ignoreIndex, (int)reduction, labelSmoothing), "cross_entropy");
        GC.KeepAlive(weight);
        return r;
    }

    /// <summary>Binary cross entropy on logits (numerically stable sigmoid + BCE).</summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor target, Reduction reduction = Reduction.Mean,
        Tensor? weight = null, Tensor? posWeight = null)
    {
        var r = Tensor.New(trm_bce_with_logits(logits.Handle, target.Handle, Raw(weight), Raw(posWeight), (int)reduction), "binary_cross_entropy_with_logits");
        GC.KeepAlive(weight);
        GC.KeepAlive(posWeight);
        return r;
    }

    /// <summary>Mean squared error.</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Tensor.New(trm_mse_loss(input.Handle, target.Handle, (int)reduction), "mse_loss");

    /// <summary>
    /// softmax(q·kᵀ·scale [+ mask]) · v over [..., L, D] / [..., S, D]. <paramref name="isCausal"/> masks keys after each query
    /// (top-left aligned). <paramref name="mask"/>: bool (true = attend) or additive float. Fused on libtorch ≥ 2.0, composed on 1.13.
    /// </summary>
    public static Tensor ScaledDotProductAttention(Tensor q, Tensor k, Tensor v, bool isCausal = false, Tensor? mask = null,
        double dropoutP = 0, double? scale = null)
    {
        var r = Tensor.New(trm_sdpa(q.Handle, k.Handle, v.Handle, Raw(mask), dropoutP, isCausal ? 1 : 0, scale ?? 0), "scaled_dot_product_attention");
        GC.KeepAlive(mask);
        return r;
    }

    /// <summary>Zeroes elements with probability <paramref name="p"/> and scales the rest by 1/(1−p) when training.</summary>
    public static Tensor Dropout(Tensor x, double p, bool training) => Tensor.New(trm_dropout(x.Handle, p, training ? 1 : 0), "dropout");

    /// <summary>Pads the last dimensions: <paramref name="pad"/> = [left, right, top, bottom, …] (PyTorch order).</summary>
    public static Tensor Pad(Tensor x, long[] pad, double value = 0)
    {
        fixed (long* p = pad) return Tensor.New(trm_pad(x.Handle, p, pad.Length, value), "pad");
    }

    /// <summary>x / √(mean(x², −1) + eps), optionally times <paramref name="weight"/> (computed in float32 for 16-bit inputs).</summary>
    public static Tensor RmsNorm(Tensor x, double eps, Tensor? weight = null)
    {
        var r = Tensor.New(trm_rms_norm(x.Handle, Raw(weight), eps), "rms_norm");
        GC.KeepAlive(weight);
        return r;
    }

    /// <summary>
    /// <c>RmsNorm(x + residual, eps)</c> without weight: the post-norm of a residual block. One fused CUDA kernel (forward and
    /// backward) when <see cref="Cuda.FusedKernels.Enabled"/> and the tensors suit it (same shape and dtype, contiguous, on
    /// the GPU); otherwise exactly the unfused <c>RmsNorm(x + residual, eps)</c>.
    /// </summary>
    public static Tensor AddRmsNorm(Tensor x, Tensor residual, double eps) =>
        Tensor.New(trm_add_rms_norm(x.Handle, residual.Handle, eps), "add_rms_norm");

    /// <summary>
    /// The SwiGLU gate <c>silu(gate) · up</c> with <c>[gate, up] = gateUp.Chunk(2, -1)</c>: [.., 2n] → [.., n]. One fused CUDA
    /// kernel (forward and backward) when <see cref="Cuda.FusedKernels.Enabled"/> and <paramref name="gateUp"/> is contiguous
    /// on the GPU; otherwise exactly the unfused ops.
    /// </summary>
    /// <exception cref="TorchException">The last dimension is odd.</exception>
    public static Tensor SwiGlu(Tensor gateUp) => Tensor.New(trm_swiglu(gateUp.Handle), "swiglu");

    /// <summary>Layer normalisation over the trailing <paramref name="normalizedShape"/>.</summary>
    public static Tensor LayerNorm(Tensor x, long[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        fixed (long* p = normalizedShape)
        {
            var r = Tensor.New(trm_layer_norm(x.Handle, p, normalizedShape.Length, Raw(weight), Raw(bias), eps), "layer_norm");
            GC.KeepAlive(weight);
            GC.KeepAlive(bias);
            return r;
        }
    }

    /// <summary>Softmax along <paramref name="dim"/>.</summary>
    public static Tensor Softmax(Tensor x, long dim) => x.Softmax(dim);
    /// <summary>Log-softmax along <paramref name="dim"/>.</summary>
    public static Tensor LogSoftmax(Tensor x, long dim) => x.LogSoftmax(dim);
    /// <summary>x·sigmoid(x).</summary>
    public static Tensor Silu(Tensor x) => x.Silu();
    /// <summary>GELU.</summary>
    public static Tensor Gelu(Tensor x, bool tanhApproximation = false) => x.Gelu(tanhApproximation);
    /// <summary>max(x, 0).</summary>
    public static Tensor Relu(Tensor x) => x.Relu();
}
