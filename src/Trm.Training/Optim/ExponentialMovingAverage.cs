using Trm.Torch;
using Trm.Torch.Nn;

namespace Trm.Training.Optim;

/// <summary>
/// Exponential moving average of a module's trainable parameters (the reference's <c>EMAHelper</c>):
/// after every step <c>shadow ← rate · shadow + (1 − rate) · param</c>. Buffers (such as the puzzle-embedding table)
/// are not averaged; evaluation swaps the shadow in with <see cref="Apply"/> and restores the online weights after.
/// </summary>
public sealed class ExponentialMovingAverage : IDisposable
{
    private readonly List<(string Name, Tensor Parameter, Tensor Shadow)> _entries = [];

    /// <summary>Starts the average at the module's current trainable parameters.</summary>
    /// <param name="module">The module.</param>
    /// <param name="rate">Decay (reference: 0.999).</param>
    public ExponentialMovingAverage(Module module, double rate = 0.999)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (rate is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(rate), rate, "must be in (0, 1)");
        Rate = rate;
        using var noGrad = Engine.NoGrad();
        foreach (var (name, p) in module.NamedParameters())
        {
            if (!p.RequiresGrad) continue;
            _entries.Add((name, p, p.Detach().Clone().DetachFromDisposeScope()));
        }
    }

    /// <summary>The decay rate.</summary>
    public double Rate { get; }

    /// <summary>The averaged tensors by parameter name (live references).</summary>
    public IReadOnlyDictionary<string, Tensor> Shadow => _entries.ToDictionary(e => e.Name, e => e.Shadow);

    /// <summary>Folds the current parameters into the average.</summary>
    public void Update()
    {
        using var noGrad = Engine.NoGrad();
        foreach (var (_, p, shadow) in _entries)
        {
            shadow.Mul_(Rate).Add_(p, 1 - Rate);
        }
    }

    /// <summary>Copies the average into the parameters until the returned handle is disposed, which restores them.</summary>
    public IDisposable Apply()
    {
        var backups = new List<Tensor>(_entries.Count);
        using (Engine.NoGrad())
        {
            foreach (var (_, p, shadow) in _entries)
            {
                backups.Add(p.Detach().Clone().DetachFromDisposeScope());
                p.CopyFrom_(shadow);
            }
        }
        return new Restore(this, backups);
    }

    /// <summary>Overwrites the average with saved tensors (by parameter name).</summary>
    /// <param name="shadow">Tensors written from <see cref="Shadow"/>.</param>
    /// <exception cref="InvalidDataException">A name is missing or a shape differs.</exception>
    public void Load(IReadOnlyDictionary<string, Tensor> shadow)
    {
        using var noGrad = Engine.NoGrad();
        foreach (var (name, _, target) in _entries)
        {
            if (!shadow.TryGetValue(name, out var source))
            {
                throw new InvalidDataException($"state tensor '{name}' is missing");
            }
            if (!source.Shape.SequenceEqual(target.Shape))
            {
                throw new InvalidDataException($"state tensor '{name}' has shape [{string.Join(", ", source.Shape)}], expected [{string.Join(", ", target.Shape)}]");
            }
            target.CopyFrom_(source);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var e in _entries) e.Shadow.Dispose();
        _entries.Clear();
    }

    private sealed class Restore(ExponentialMovingAverage owner, List<Tensor> backups) : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            using (Engine.NoGrad())
            {
                for (var i = 0; i < backups.Count; i++)
                {
                    owner._entries[i].Parameter.CopyFrom_(backups[i]);
                    backups[i].Dispose();
                }
            }
        }
    }
}
