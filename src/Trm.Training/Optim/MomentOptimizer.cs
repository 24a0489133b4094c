using Trm.Torch;

namespace Trm.Training.Optim;

/// <summary>
/// Base of the Adam-family optimizers of the trainer: keeps first and second moments per parameter, a step count,
/// decoupled weight decay, and a checkpointable state (<c>exp_avg.{i}</c>, <c>exp_avg_sq.{i}</c>). Every update is a few
/// whole-tensor native operations per parameter. Not thread-safe.
/// </summary>
public abstract class MomentOptimizer : IDisposable
{
    private readonly IReadOnlyList<Tensor> _parameters;
    private readonly Tensor[] _expAvg;
    private readonly Tensor[] _expAvgSq;

    /// <summary>Creates the optimizer over <paramref name="parameters"/>; moments start at zero.</summary>
    /// <param name="parameters">Trainable parameters (leaf tensors).</param>
    /// <param name="beta1">First-moment decay.</param>
    /// <param name="beta2">Second-moment decay.</param>
    /// <param name="weightDecay">Decoupled weight decay.</param>
    protected MomentOptimizer(IEnumerable<Tensor> parameters, double beta1, double beta2, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (beta1 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "must be in [0, 1)");
        if (beta2 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "must be in [0, 1)");
        if (weightDecay < 0) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "must be >= 0");
        _parameters = [.. parameters];
        Beta1 = beta1;
        Beta2 = beta2;
        WeightDecay = weightDecay;
        _expAvg = new Tensor[_parameters.Count];
        _expAvgSq = new Tensor[_parameters.Count];
        using var noGrad = Engine.NoGrad();
        for (var i = 0; i < _parameters.Count; i++)
        {
            _expAvg[i] = Tensors.ZerosLike(_parameters[i]).DetachFromDisposeScope();
            _expAvgSq[i] = Tensors.ZerosLike(_parameters[i]).DetachFromDisposeScope();
        }
    }

    /// <summary>First-moment decay.</summary>
    public double Beta1 { get; }

    /// <summary>Second-moment decay.</summary>
    public double Beta2 { get; }

    /// <summary>Decoupled weight decay.</summary>
    public double WeightDecay { get; }

    /// <summary>Updates taken so far.</summary>
    public long StepCount { get; private set; }

    /// <summary>The parameters updated.</summary>
    public IReadOnlyList<Tensor> Parameters => _parameters;

    /// <summary>Applies one update with learning rate <paramref name="lr"/>; parameters without a gradient are skipped.</summary>
    /// <param name="lr">Learning rate of this step.</param>
    public void Step(double lr)
    {
        StepCount++;
        Apply(_parameters, _expAvg, _expAvgSq, StepCount, lr);
    }

    /// <summary>Updates the moments and the parameters in place for step <paramref name="step"/> (1-based).</summary>
    /// <param name="parameters">The parameters (skip those without a gradient).</param>
    /// <param name="expAvg">First moments, one per parameter.</param>
    /// <param name="expAvgSq">Second moments, one per parameter.</param>
    /// <param name="step">The step number t for the bias corrections.</param>
    /// <param name="lr">Learning rate.</param>
    protected abstract void Apply(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> expAvg, IReadOnlyList<Tensor> expAvgSq, long step, double lr);

    /// <summary>Clears the gradients of every parameter.</summary>
    public void ZeroGrad()
    {
        using var scope = Engine.NewDisposeScope();
        foreach (var p in _parameters)
        {
            p.Grad?.Zero_();
        }
    }

    /// <summary>The optimizer state as named tensors (<c>exp_avg.{i}</c>, <c>exp_avg_sq.{i}</c>, live references) plus the step count.</summary>
    public (IReadOnlyDictionary<string, Tensor> Tensors, long Step) GetState()
    {
        var tensors = new Dictionary<string, Tensor>();
        for (var i = 0; i < _parameters.Count; i++)
        {
            tensors[$"exp_avg.{i}"] = _expAvg[i];
            tensors[$"exp_avg_sq.{i}"] = _expAvgSq[i];
        }
        return (tensors, StepCount);
    }

    /// <summary>Restores a state written by <see cref="GetState"/>.</summary>
    /// <param name="tensors">Named moment tensors.</param>
    /// <param name="step">The step count.</param>
    /// <exception cref="InvalidDataException">A tensor is missing or has the wrong shape.</exception>
    public void SetState(IReadOnlyDictionary<string, Tensor> tensors, long step)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        using var noGrad = Engine.NoGrad();
        for (var i = 0; i < _parameters.Count; i++)
        {
            CopyChecked(tensors, $"exp_avg.{i}", _expAvg[i]);
            CopyChecked(tensors, $"exp_avg_sq.{i}", _expAvgSq[i]);
        }
        StepCount = step;
    }

    internal static void CopyChecked(IReadOnlyDictionary<string, Tensor> tensors, string name, Tensor target)
    {
        if (!tensors.TryGetValue(name, out var source))
        {
            throw new InvalidDataException($"state tensor '{name}' is missing");
        }
        if (!source.Shape.SequenceEqual(target.Shape))
        {
            throw new InvalidDataException($"state tensor '{name}' has shape [{string.Join(", ", source.Shape)}], expected [{string.Join(", ", target.Shape)}]");
        }
        target.CopyFrom_(source);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in _expAvg) t.Dispose();
        foreach (var t in _expAvgSq) t.Dispose();
        GC.SuppressFinalize(this);
    }
}
