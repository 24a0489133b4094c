namespace Trm.Torch.Nn;

/// <summary>
/// Base of neural-network modules: named parameters, buffers and sub-modules (in registration order), train/eval mode,
/// state dicts and device/dtype moves. A module owns its tensors (they are detached from dispose scopes) and frees
/// them on <see cref="Dispose()"/>.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<KeyValuePair<string, Tensor>> _parameters = new();
    private readonly List<(string Name, Tensor Tensor, bool Persistent)> _buffers = new();
    private readonly List<KeyValuePair<string, Module>> _modules = new();
    private bool _disposed;

    /// <summary>True in training mode (the default), false after <see cref="Eval"/>.</summary>
    public bool IsTraining { get; private set; } = true;

    private static void CheckName(string name, string kind)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"{kind} name '{name}' must be non-empty and contain no '.'", nameof(name));
    }

    private void CheckUnique(string name)
    {
        if (_parameters.Any(p => p.Key == name) || _buffers.Any(b => b.Name == name) || _modules.Any(m => m.Key == name))
            throw new ArgumentException($"'{name}' is already registered on {GetType().Name}", nameof(name));
    }

    /// <summary>Registers a trainable parameter (requires_grad is turned on for floating-point tensors).</summary>
    protected Tensor RegisterParameter(string name, Tensor tensor)
    {
        CheckName(name, "parameter");
        CheckUnique(name);
        tensor.DetachFromDisposeScope();
        if (tensor.DType.IsFloatingPoint() && !tensor.RequiresGrad) tensor.RequiresGrad = true;
        _parameters.Add(new(name, tensor));
        return tensor;
    }

    /// <summary>Registers a buffer (state that is not trained); non-persistent buffers stay out of the state dict.</summary>
    protected Tensor RegisterBuffer(string name, Tensor tensor, bool persistent = true)
    {
        CheckName(name, "buffer");
        CheckUnique(name);
        tensor.DetachFromDisposeScope();
        _buffers.Add((name, tensor, persistent));
        return tensor;
    }

    /// <summary>Registers a sub-module; its parameters appear as "name.param".</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        CheckName(name, "module");
        CheckUnique(name);
        _modules.Add(new(name, module));
        return module;
    }

    /// <summary>Parameters with dotted names: own first, then each sub-module's in registration order.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> NamedParameters()
    {
        foreach (var p in _parameters) yield return p;
        foreach (var (name, m) in _modules)
            foreach (var p in m.NamedParameters()) yield return new($"{name}.{p.Key}", p.Value);
    }

    /// <summary>All parameters (see <see cref="NamedParameters"/>).</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Value);

    /// <summary>Buffers with dotted names.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> NamedBuffers() => NamedBuffersCore(persistentOnly: false);

    private IEnumerable<KeyValuePair<string, Tensor>> NamedBuffersCore(bool persistentOnly)
    {
        foreach (var b in _buffers)
            if (!persistentOnly || b.Persistent) yield return new(b.Name, b.Tensor);
        foreach (var (name, m) in _modules)
            foreach (var b in m.NamedBuffersCore(persistentOnly)) yield return new($"{name}.{b.Key}", b.Value);
    }

    /// <summary>This module (name "") and every descendant with dotted names.</summary>
    public IEnumerable<KeyValuePair<string, Module>> NamedModules()
    {
        yield return new(string.Empty, this);
        foreach (var (name, m) in _modules)
            foreach (var d in m.NamedModules()) yield return new(d.Key.Length == 0 ? name : $"{name}.{d.Key}", d.Value);
    }

    /// <summary>Direct sub-modules.</summary>
    public IEnumerable<KeyValuePair<string, Module>> NamedChildren() => _modules;

    /// <summary>Parameters and persistent buffers by dotted name. Live references owned by the module: do not dispose them.</summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var d = new Dictionary<string, Tensor>();
        foreach (var p in NamedParameters()) d[p.Key] = p.Value;
        foreach (var b in NamedBuffersCore(persistentOnly: true)) d[b.Key] = b.Value;
        return d;
    }

    /// <summary>
    /// Copies values into the module's tensors (converted to their dtype/device). Shape mismatches always throw;
    /// with <paramref name="strict"/>, missing and unexpected keys throw too (the message names every key).
    /// </summary>
    /// <returns>The keys that were missing and unexpected.</returns>
    public StateDictLoadResult LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var own = StateDict();
        var missing = own.Keys.Where(k => !stateDict.ContainsKey(k)).ToList();
        var unexpected = stateDict.Keys.Where(k => !own.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        var mismatched = new List<string>();
        foreach (var (key, target) in own)
        {
            if (!stateDict.TryGetValue(key, out Tensor? src)) continue;
            if (!src.Shape.SequenceEqual(target.Shape))
                mismatched.Add($"{key}: checkpoint [{string.Join(", ", src.Shape)}] vs model [{string.Join(", ", target.Shape)}]");
        }
        var problems = new List<string>();
        if (mismatched.Count > 0) problems.Add("size mismatch for " + string.Join("; ", mismatched));
        if (strict && missing.Count > 0) problems.Add("missing keys: " + string.Join(", ", missing));
        if (strict && unexpected.Count > 0) problems.Add("unexpected keys: " + string.Join(", ", unexpected));
        if (problems.Count > 0)
            throw new ArgumentException($"Error loading state dict into {GetType().Name}: {string.Join(". ", problems)}.", nameof(stateDict));
        using (Engine.NoGrad())
        {
            foreach (var (key, target) in own)
                if (stateDict.TryGetValue(key, out Tensor? src)) target.CopyFrom_(src);
        }
        return new StateDictLoadResult(missing, unexpected);
    }

    /// <summary>Sets training mode on this module and all descendants.</summary>
    public Module Train(bool on = true)
    {
        foreach (var (_, m) in NamedModules()) m.IsTraining = on;
        return this;
    }

    /// <summary>Sets evaluation mode (dropout off, …).</summary>
    public Module Eval() => Train(false);

    /// <summary>Moves every parameter and buffer to <paramref name="device"/>, keeping tensor identity (optimizers stay valid).</summary>
    public Module To(Device device) => Apply(t => t.To(device), floatOnly: false);

    /// <summary>Converts floating-point parameters and buffers to <paramref name="dtype"/>, keeping tensor identity.</summary>
    public Module To(DType dtype)
    {
        if (!dtype.IsFloatingPoint()) throw new ArgumentException($"modules can only be converted to floating-point dtypes, not {dtype}", nameof(dtype));
        return Apply(t => t.To(dtype), floatOnly: true);
    }

    /// <summary>Moves to <paramref name="device"/> and converts floating-point tensors to <paramref name="dtype"/>.</summary>
    public Module To(Device device, DType dtype)
    {
        To(device);
        return To(dtype);
    }

    private Module Apply(Func<Tensor, Tensor> convert, bool floatOnly)
    {
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        foreach (var t in Parameters().Concat(NamedBuffers().Select(b => b.Value)))
        {
            if (floatOnly && !t.DType.IsFloatingPoint()) continue;
            t.SetData(convert(t));
        }
        return this;
    }

    /// <summary>Drops the gradients of every parameter (set to none, as PyTorch's default).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.Grad = null;
    }

    /// <summary>Number of trainable elements.</summary>
    public long ParameterCount() => Parameters().Sum(p => p.NumEl);

    /// <summary>Frees parameters, buffers and sub-modules.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees owned tensors and modules when <paramref name="disposing"/>.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed || !disposing) return;
        _disposed = true;
        foreach (var p in _parameters) p.Value.Dispose();
        foreach (var b in _buffers) b.Tensor.Dispose();
        foreach (var m in _modules) m.Value.Dispose();
    }
}
