using Trm.Torch.Native;
using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch.Optim;

/// <summary>Gradient clipping.</summary>
public static unsafe class GradClip
{
    /// <summary>
    /// Scales all gradients by min(1, maxNorm / (‖g‖ + 1e-6)) where ‖g‖ is the 2-norm over all of them together.
    /// Parameters without gradients are skipped. One native call.
    /// </summary>
    /// <returns>The total norm before clipping.</returns>
    public static double ClipGradNorm_(IEnumerable<Tensor> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var list = parameters as IReadOnlyList<Tensor> ?? parameters.ToArray();
        IntPtr[] h = Handles.Of(list);
        double total;
        fixed (IntPtr* p = h) Check(trm_clip_grad_norm(p, h.Length, maxNorm, &total), "clip_grad_norm_");
        GC.KeepAlive(list);
        return total;
    }
}
