using Trm.Torch.Native;
using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch.Optim;

/// <summary>
/// Base of the dense optimizers (<see cref="AdamW"/>, <see cref="AdamAtan2"/>, <see cref="Sgd"/>): parameter groups,
/// per-parameter state tensors and step counts (a parameter's count advances only on steps where it has a gradient, as in
/// PyTorch), state dicts that resume exactly. Each <see cref="Step"/> makes one native call per group. Not thread-safe.
/// </summary>
public abstract unsafe class Optimizer : IDisposable
{
    private readonly ParamGroup[] _groups;
    private readonly string[] _stateNames;
    // _state[g][s][i]: state tensor s of parameter i in group g (null until the first step)
    private readonly Tensor?[][][] _state;
    private readonly long[][] _steps;
    private bool _disposed;

    /// <summary>Creates the optimizer with named per-parameter state tensors (e.g. "exp_avg").</summary>
    /// <param name="groups">Parameter groups; their unset hyper-parameters take the defaults below.</param>
    /// <param name="lr">Default learning rate.</param>
    /// <param name="weightDecay">Default weight decay.</param>
    /// <param name="beta1">Default first-moment decay (Adam family; 0 for others).</param>
    /// <param name="beta2">Default second-moment decay (Adam family; 0 for others).</param>
    /// <param name="stateNames">Names of the state tensors kept per parameter, shaped like it.</param>
    private protected Optimizer(IEnumerable<ParamGroup> groups, double lr, double weightDecay, double beta1, double beta2, params string[] stateNames)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (lr < 0) throw new ArgumentOutOfRangeException(nameof(lr), lr, "learning rate must be >= 0");
        _groups = groups.ToArray();
        if (_groups.Length == 0) throw new ArgumentException("an optimizer needs at least one parameter group", nameof(groups));
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var g in _groups)
        {
            g.ApplyDefaults(lr, weightDecay, beta1, beta2);
            foreach (var p in g.Parameters)
                if (!seen.Add(p)) throw new ArgumentException("a parameter appears in more than one group (or twice in one)", nameof(groups));
        }
        _stateNames = stateNames;
        _state = _groups.Select(g => stateNames.Select(_ => new Tensor?[g.Parameters.Count]).ToArray()).ToArray();
        _steps = _groups.Select(g => new long[g.Parameters.Count]).ToArray();
    }

    /// <summary>The parameter groups (hyper-parameters can be changed between steps).</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => _groups;

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    public void Step()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (int g = 0; g < _groups.Length; g++)
        {
            EnsureState(g);
            IntPtr[] p = Handles.Of(_groups[g].Parameters);
            IntPtr[][] s = _state[g].Select(list => Handles.Of(list!)).ToArray();
            fixed (long* steps = _steps[g])
                StepGroup(_groups[g], p, s, steps);
            GC.KeepAlive(_groups[g]);
            GC.KeepAlive(_state[g]);
        }
    }

    /// <summary>Runs the update of one group with one native call.</summary>
    /// <param name="group">The group (hyper-parameters).</param>
    /// <param name="parameters">Raw parameter handles.</param>
    /// <param name="state">Raw state handles, one array per state name.</param>
    /// <param name="steps">Per-parameter step counts (the native update increments them).</param>
    private protected abstract void StepGroup(ParamGroup group, IntPtr[] parameters, IntPtr[][] state, long* steps);

    private void EnsureState(int g)
    {
        var group = _groups[g];
        for (int s = 0; s < _stateNames.Length; s++)
        {
            var list = _state[g][s];
            for (int i = 0; i < list.Length; i++)
            {
                if (list[i] is not null) continue;
                using (Engine.NoGrad()) list[i] = Tensors.ZerosLike(group.Parameters[i]).DetachFromDisposeScope();
            }
        }
    }

    /// <summary>Drops (or zeroes) the gradients of all parameters with one native call per group.</summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var g in _groups)
        {
            IntPtr[] h = Handles.Of(g.Parameters);
            fixed (IntPtr* p = h) Check(trm_zero_grad(p, h.Length, setToNone ? 1 : 0), "zero_grad");
            GC.KeepAlive(g);
        }
    }

    /// <summary>Sets every group's learning rate to <paramref name="lr"/>.</summary>
    public void SetLearningRate(double lr)
    {
        foreach (var g in _groups) g.Lr = lr;
    }

    /// <summary>Sets every group's learning rate to its initial rate times <paramref name="factor"/> (for schedules over groups with different rates).</summary>
    public void ScaleLearningRates(double factor)
    {
        foreach (var g in _groups) g.Lr = g.InitialLr * factor;
    }

    /// <summary>The state: live state tensors and scalars (see <see cref="OptimizerState"/>).</summary>
    public OptimizerState StateDict()
    {
        var tensors = new Dictionary<string, Tensor>();
        var scalars = new Dictionary<string, double>();
        for (int g = 0; g < _groups.Length; g++)
        {
            scalars[$"group.{g}.lr"] = _groups[g].Lr;
            scalars[$"group.{g}.initial_lr"] = _groups[g].InitialLr;
            scalars[$"group.{g}.weight_decay"] = _groups[g].WeightDecay;
            scalars[$"group.{g}.beta1"] = _groups[g].Beta1;
            scalars[$"group.{g}.beta2"] = _groups[g].Beta2;
            for (int i = 0; i < _groups[g].Parameters.Count; i++)
            {
                scalars[$"state.{g}.{i}.step"] = _steps[g][i];
                for (int s = 0; s < _stateNames.Length; s++)
                    if (_state[g][s][i] is { } t) tensors[$"state.{g}.{i}.{_stateNames[s]}"] = t;
            }
        }
        return new OptimizerState(tensors, scalars);
    }

    /// <summary>Restores a state produced by <see cref="StateDict"/> of an optimizer over the same groups (values are copied in).</summary>
    /// <exception cref="ArgumentException">A key is missing, a tensor's shape differs or the state has more groups or parameters (the message names it).</exception>
    public void LoadStateDict(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (state.Scalars.ContainsKey($"group.{_groups.Length}.lr"))
            throw new ArgumentException($"optimizer state has more than {_groups.Length} parameter group(s)", nameof(state));
        for (int g = 0; g < _groups.Length; g++)
        {
            if (state.Scalars.ContainsKey($"state.{g}.{_groups[g].Parameters.Count}.step"))
                throw new ArgumentException($"optimizer state has more than {_groups[g].Parameters.Count} parameter(s) in group {g}", nameof(state));
        }
        for (int g = 0; g < _groups.Length; g++)
        {
            EnsureState(g);
            _groups[g].Lr = Scalar(state, $"group.{g}.lr");
            _groups[g].InitialLr = state.Scalars.TryGetValue($"group.{g}.initial_lr", out double init) ? init : _groups[g].Lr;
            _groups[g].WeightDecay = Scalar(state, $"group.{g}.weight_decay");
            if (state.Scalars.TryGetValue($"group.{g}.beta1", out double beta1)) _groups[g].Beta1 = beta1;
            if (state.Scalars.TryGetValue($"group.{g}.beta2", out double beta2)) _groups[g].Beta2 = beta2;
            for (int i = 0; i < _groups[g].Parameters.Count; i++)
            {
                _steps[g][i] = (long)Scalar(state, $"state.{g}.{i}.step");
                for (int s = 0; s < _stateNames.Length; s++)
                {
                    string key = $"state.{g}.{i}.{_stateNames[s]}";
                    Tensor target = _state[g][s][i]!;
                    if (!state.Tensors.TryGetValue(key, out Tensor? src))
                    {
                        if (_steps[g][i] == 0) continue; // never stepped: zeros are right
                        throw new ArgumentException($"optimizer state is missing '{key}'", nameof(state));
                    }
                    if (!src.Shape.SequenceEqual(target.Shape))
                        throw new ArgumentException($"optimizer state '{key}' has shape [{string.Join(", ", src.Shape)}], the parameter has [{string.Join(", ", target.Shape)}]", nameof(state));
                    using (Engine.NoGrad()) target.CopyFrom_(src);
                }
            }
        }
    }

    private static double Scalar(OptimizerState state, string key) =>
        state.Scalars.TryGetValue(key, out double v) ? v : throw new ArgumentException($"optimizer state is missing '{key}'", nameof(state));

    /// <summary>Frees the state tensors (not the parameters).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var g in _state)
            foreach (var list in g)
                foreach (var t in list) t?.Dispose();
        GC.SuppressFinalize(this);
    }
}
