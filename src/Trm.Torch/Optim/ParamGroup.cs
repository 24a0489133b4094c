namespace Trm.Torch.Optim;

/// <summary>
/// Parameters that share hyper-parameters in an optimizer: learning rate, weight decay and (Adam family) the moment decays.
/// Unset values take the optimizer's defaults when the optimizer is created; all of them can be changed between steps.
/// </summary>
public sealed class ParamGroup
{
    /// <summary>Creates a group; unset hyper-parameters take the optimizer's defaults.</summary>
    /// <param name="parameters">The tensors to optimise (leaf tensors that require grad, or an embedding table for <see cref="SparseEmbeddingSignSgd"/>).</param>
    /// <param name="lr">Learning rate of this group, or null for the optimizer's.</param>
    /// <param name="weightDecay">Weight decay of this group, or null for the optimizer's.</param>
    /// <param name="beta1">First-moment decay of this group (Adam family), or null for the optimizer's.</param>
    /// <param name="beta2">Second-moment decay of this group (Adam family), or null for the optimizer's.</param>
    /// <param name="name">Optional label (diagnostics and logs).</param>
    public ParamGroup(IEnumerable<Tensor> parameters, double? lr = null, double? weightDecay = null, double? beta1 = null, double? beta2 = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters.ToArray();
        if (Parameters.Count == 0) throw new ArgumentException("a parameter group needs at least one parameter", nameof(parameters));
        Lr = lr ?? double.NaN;
        WeightDecay = weightDecay ?? double.NaN;
        Beta1 = beta1 ?? double.NaN;
        Beta2 = beta2 ?? double.NaN;
        Name = name;
    }

    /// <summary>The group's parameters.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>Current learning rate (schedules change it).</summary>
    public double Lr { get; set; }

    /// <summary>The learning rate the group started with (the reference for <see cref="Optimizer.ScaleLearningRates"/>).</summary>
    public double InitialLr { get; internal set; }

    /// <summary>Weight decay (decoupled for AdamW, AdamATan2 and sign-SGD; L2 for SGD).</summary>
    public double WeightDecay { get; set; }

    /// <summary>First-moment decay β₁ (Adam family; unused by SGD and sign-SGD).</summary>
    public double Beta1 { get; set; }

    /// <summary>Second-moment decay β₂ (Adam family; unused by SGD and sign-SGD).</summary>
    public double Beta2 { get; set; }

    /// <summary>Optional label.</summary>
    public string? Name { get; }

    internal void ApplyDefaults(double lr, double weightDecay, double beta1, double beta2)
    {
        if (double.IsNaN(Lr)) Lr = lr;
        if (double.IsNaN(WeightDecay)) WeightDecay = weightDecay;
        if (double.IsNaN(Beta1)) Beta1 = beta1;
        if (double.IsNaN(Beta2)) Beta2 = beta2;
        if (Lr < 0) throw new ArgumentOutOfRangeException(nameof(lr), Lr, $"learning rate of group '{Name}' must be >= 0");
        if (WeightDecay < 0) throw new ArgumentOutOfRangeException(nameof(weightDecay), WeightDecay, $"weight decay of group '{Name}' must be >= 0");
        if (Beta1 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), Beta1, $"beta1 of group '{Name}' must be in [0, 1)");
        if (Beta2 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta2), Beta2, $"beta2 of group '{Name}' must be in [0, 1)");
        InitialLr = Lr;
    }
}
