using Trm.Torch.Native;

namespace Trm.Torch.Optim;

/// <summary>
/// The AdamATan2 update of a whole parameter group in one native call (decoupled weight decay; moments updated in place).
/// For each parameter with a gradient: <c>p ← p·(1 − lr·wd)</c>, <c>m ← lerp(m, g, 1 − β1)</c>, <c>v ← β2·v + (1 − β2)·g²</c>,
/// <c>p ← p − lr·atan2(m / (1 − β1^t), √v / √(1 − β2^t))</c>.
/// </summary>
public static unsafe class AdamAtan2Kernel
{
    /// <summary>Applies step <paramref name="step"/> (1-based) to every parameter that has a gradient.</summary>
    /// <param name="parameters">Parameters.</param>
    /// <param name="expAvg">First moments, one per parameter, same shapes.</param>
    /// <param name="expAvgSq">Second moments, one per parameter, same shapes.</param>
    /// <param name="step">The step number t (≥ 1) used for the bias corrections.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="beta1">First-moment decay.</param>
    /// <param name="beta2">Second-moment decay.</param>
    /// <param name="weightDecay">Decoupled weight decay.</param>
    public static void Step(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> expAvg, IReadOnlyList<Tensor> expAvgSq, long step, double lr, double beta1, double beta2, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(expAvg);
        ArgumentNullException.ThrowIfNull(expAvgSq);
        if (expAvg.Count != parameters.Count || expAvgSq.Count != parameters.Count)
        {
            throw new ArgumentException($"{parameters.Count} parameters but {expAvg.Count} first and {expAvgSq.Count} second moments");
        }
        var p = new IntPtr[parameters.Count];
        var m = new IntPtr[parameters.Count];
        var v = new IntPtr[parameters.Count];
        for (var i = 0; i < p.Length; i++)
        {
            p[i] = parameters[i].RawHandle;
            m[i] = expAvg[i].RawHandle;
            v[i] = expAvgSq[i].RawHandle;
        }
        fixed (IntPtr* pp = p, pm = m, pv = v)
        {
            NativeMethods.Check(NativeMethods.trm_adam_atan2_step(pp, pm, pv, p.Length, step, lr, beta1, beta2, weightDecay), "adam_atan2_step");
        }
        GC.KeepAlive(parameters);
        GC.KeepAlive(expAvg);
        GC.KeepAlive(expAvgSq);
    }
}
