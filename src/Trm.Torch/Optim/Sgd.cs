using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch.Optim;

/// <summary>SGD with optional momentum (dampening 0, optional Nesterov) and L2 weight decay, PyTorch's update. One native call per group.</summary>
public sealed unsafe class Sgd : Optimizer
{
    /// <summary>Creates SGD over parameter groups.</summary>
    public Sgd(IEnumerable<ParamGroup> groups, double lr, double momentum = 0, double weightDecay = 0, bool nesterov = false)
        : base(groups, lr, weightDecay, 0, 0, momentum != 0 ? ["momentum_buffer"] : [])
    {
        if (nesterov && momentum <= 0) throw new ArgumentException("Nesterov momentum needs momentum > 0", nameof(nesterov));
        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>Creates SGD over one group of parameters.</summary>
    public Sgd(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double weightDecay = 0, bool nesterov = false)
        : this([new ParamGroup(parameters)], lr, momentum, weightDecay, nesterov)
    {
    }

    /// <summary>Momentum factor (0 = plain SGD).</summary>
    public double Momentum { get; set; }

    /// <summary>Nesterov momentum.</summary>
    public bool Nesterov { get; }

    private protected override void StepGroup(ParamGroup group, IntPtr[] parameters, IntPtr[][] state, long* steps)
    {
        fixed (IntPtr* p = parameters)
        fixed (IntPtr* b = state.Length > 0 ? state[0] : null)
            Check(trm_sgd_step(p, b, steps, parameters.Length, group.Lr, Momentum, group.WeightDecay, Nesterov ? 1 : 0), "sgd.step");
    }
}
