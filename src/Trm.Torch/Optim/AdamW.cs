using Trm.Torch.Native;
using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch.Optim;

/// <summary>
/// Adam with decoupled weight decay (Loshchilov &amp; Hutter), PyTorch's update per parameter with step count t:
/// p ← p·(1−lr·wd); m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← p − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε).
/// One native call per group (multi-tensor <c>_foreach</c> ops on CUDA). State per parameter: <c>exp_avg</c>, <c>exp_avg_sq</c>.
/// </summary>
public sealed unsafe class AdamW : Optimizer
{
    /// <summary>Creates AdamW over parameter groups (their unset hyper-parameters take these defaults).</summary>
    public AdamW(IEnumerable<ParamGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 1e-2)
        : base(groups, lr, weightDecay, beta1, beta2, "exp_avg", "exp_avg_sq")
    {
        if (!(eps >= 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be >= 0");
        Eps = eps;
    }

    /// <summary>Creates AdamW over one group of parameters.</summary>
    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 1e-2)
        : this([new ParamGroup(parameters)], lr, beta1, beta2, eps, weightDecay)
    {
    }

    /// <summary>Denominator term ε.</summary>
    public double Eps { get; set; }

    /// <summary>Native update strategy (tests compare them; the default picks multi-tensor ops on CUDA).</summary>
    internal AdamWMode Implementation { get; set; } = AdamWMode.Auto;

    private protected override void StepGroup(ParamGroup group, IntPtr[] parameters, IntPtr[][] state, long* steps)
    {
        fixed (IntPtr* p = parameters)
        fixed (IntPtr* m = state[0])
        fixed (IntPtr* v = state[1])
            Check(trm_adamw_step(p, m, v, steps, parameters.Length, group.Lr, group.Beta1, group.Beta2, Eps, group.WeightDecay, (int)Implementation), "adamw.step");
    }
}
