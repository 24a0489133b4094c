namespace Trm.Torch.Optim;

/// <summary>Parameters that share hyper-parameters (learning rate, weight decay) in an optimizer.</summary>
public sealed class ParamGroup
{
    /// <summary>Creates a group; unset hyper-parameters take the optimizer's defaults.</summary>
    /// <param name="parameters">The tensors to optimise (leaf tensors that require grad).</param>
    /// <param name="lr">Learning rate of this group, or null for the optimizer's.</param>
    /// <param name="weightDecay">Weight decay of this group, or null for the optimizer's.</param>
    /// <param name="name">Optional label (diagnostics and logs).</param>
    public ParamGroup(IEnumerable<Tensor> parameters, double? lr = null, double? weightDecay = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters.ToArray();
        if (Parameters.Count == 0) throw new ArgumentException("a parameter group needs at least one parameter", nameof(parameters));
        Lr = lr ?? double.NaN;
        WeightDecay = weightDecay ?? double.NaN;
        Name = name;
    }

    /// <summary>The group's parameters.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>Current learning rate (schedules change it).</summary>
    public double Lr { get; set; }

    /// <summary>The learning rate the group started with (the reference for <see cref="Optimizer.ScaleLearningRates"/>).</summary>
    public double InitialLr { get; internal set; }

    /// <summary>Weight decay (decoupled for AdamW, L2 for SGD).</summary>
    public double WeightDecay { get; set; }

    /// <summary>Optional label.</summary>
    public string? Name { get; }

    internal void ApplyDefaults(double lr, double weightDecay)
    {
        if (double.IsNaN(Lr)) Lr = lr;
        if (double.IsNaN(WeightDecay)) WeightDecay = weightDecay;
        InitialLr = Lr;
    }
}
