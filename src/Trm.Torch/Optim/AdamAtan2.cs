using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch.Optim;

/// <summary>
/// AdamATan2 (Everett et al. 2024), the TRM reference's optimizer: Adam whose update direction is <c>atan2(m̂, √v̂)</c>
/// instead of <c>m̂ / (√v̂ + ε)</c>, so it needs no ε and each step moves a coordinate by at most lr·π/2, with decoupled
/// weight decay. Per parameter with gradient g and step count t:
/// <code>
/// p ← p · (1 − lr·wd)
/// m ← β₁·m + (1 − β₁)·g;   v ← β₂·v + (1 − β₂)·g²
/// p ← p − lr · atan2(m / (1 − β₁ᵗ), √v / √(1 − β₂ᵗ))
/// </code>
/// One native call per group. State per parameter: <c>exp_avg</c>, <c>exp_avg_sq</c>.
/// </summary>
public sealed unsafe class AdamAtan2 : Optimizer
{
    /// <summary>Creates AdamATan2 over parameter groups (their unset hyper-parameters take these defaults).</summary>
    /// <param name="groups">Parameter groups.</param>
    /// <param name="lr">Learning rate (reference: 1e-4).</param>
    /// <param name="beta1">First-moment decay (reference: 0.9).</param>
    /// <param name="beta2">Second-moment decay (reference: 0.95).</param>
    /// <param name="weightDecay">Decoupled weight decay.</param>
    public AdamAtan2(IEnumerable<ParamGroup> groups, double lr = 1e-4, double beta1 = 0.9, double beta2 = 0.95, double weightDecay = 0.01)
        : base(groups, lr, weightDecay, beta1, beta2, "exp_avg", "exp_avg_sq")
    {
    }

    /// <summary>Creates AdamATan2 over one group of parameters.</summary>
    /// <param name="parameters">Trainable parameters.</param>
    /// <param name="lr">Learning rate (reference: 1e-4).</param>
    /// <param name="beta1">First-moment decay (reference: 0.9).</param>
    /// <param name="beta2">Second-moment decay (reference: 0.95).</param>
    /// <param name="weightDecay">Decoupled weight decay.</param>
    public AdamAtan2(IEnumerable<Tensor> parameters, double lr = 1e-4, double beta1 = 0.9, double beta2 = 0.95, double weightDecay = 0.01)
        : this([new ParamGroup(parameters)], lr, beta1, beta2, weightDecay)
    {
    }

    private protected override void StepGroup(ParamGroup group, IntPtr[] parameters, IntPtr[][] state, long* steps)
    {
        fixed (IntPtr* p = parameters)
        fixed (IntPtr* m = state[0])
        fixed (IntPtr* v = state[1])
            Check(trm_adam_atan2_step(p, m, v, steps, parameters.Length, group.Lr, group.Beta1, group.Beta2, group.WeightDecay), "adam_atan2.step");
    }
}
