using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch.Optim;

/// <summary>
/// Adam with decoupled weight decay (Loshchilov &amp; Hutter), PyTorch's update: p ← p·(1−lr·wd); m ← β₁m + (1−β₁)g;
/// v ← β₂v + (1−β₂)g²; p ← p − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε). One native call per group.
/// </summary>
public sealed unsafe class AdamW : Optimizer
{
    /// <summary>Creates AdamW over parameter groups.</summary>
    public AdamW(IEnumerable<ParamGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 1e-2)
        : base(groups, lr, weightDecay, "exp_avg", "exp_avg_sq")
    {
        if (beta1 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta1 must be in [0, 1)");
        if (beta2 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "beta2 must be in [0, 1)");
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
    }

    /// <summary>Creates AdamW over one group of parameters.</summary>
    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 1e-2)
        : this([new ParamGroup(parameters)], lr, beta1, beta2, eps, weightDecay)
    {
    }

    /// <summary>First-moment decay.</summary>
    public double Beta1 { get; set; }

    /// <summary>Second-moment decay.</summary>
    public double Beta2 { get; set; }

    /// <summary>Denominator term.</summary>
    public double Eps { get; set; }

    /// <summary>Native update strategy (tests compare them; the default picks multi-tensor ops on CUDA).</summary>
    internal AdamWImplementation Implementation { get; set; } = AdamWImplementation.Auto;

    private protected override void StepGroup(ParamGroup group, IntPtr[] parameters, IntPtr[][] state, long* steps)
    {
        fixed (IntPtr* p = parameters)
        fixed (IntPtr* m = state[0])
        fixed (IntPtr* v = state[1])
            Check(trm_adamw_step(p, m, v, steps, parameters.Length, group.Lr, Beta1, Beta2, Eps, group.WeightDecay, (int)Implementation), "adamw.step");
        GC.KeepAlive(group);
    }
}

/// <summary>How the native AdamW update runs.</summary>
internal enum AdamWImplementation
{
    /// <summary>Multi-tensor on CUDA, per-tensor loop on the CPU.</summary>
    Auto = 0,
    /// <summary>Per-tensor loop.</summary>
    Loop = 1,
    /// <summary>at::_foreach_* multi-tensor ops.</summary>
    ForEach = 2,
}
