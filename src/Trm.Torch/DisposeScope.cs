namespace Trm.Torch;

/// <summary>
/// Collects every tensor created while it is current and disposes them together. The current scope flows with
/// <see cref="AsyncLocal{T}"/>, so it follows awaits; scopes nest (dispose inner before outer). Keep a result with
/// <see cref="MoveToOuter(Tensor)"/> / <see cref="Tensor.MoveToOuterDisposeScope"/> or <see cref="Tensor.DetachFromDisposeScope"/>.
/// Thread-safe for registration from tasks that share the scope.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    private static readonly AsyncLocal<DisposeScope?> s_current = new();
    private readonly HashSet<Tensor> _tensors = new(ReferenceEqualityComparer.Instance);
    private readonly DisposeScope? _outer;
    private bool _disposed;

    internal DisposeScope()
    {
        _outer = s_current.Value;
        s_current.Value = this;
    }

    internal static DisposeScope? Current => s_current.Value;

    /// <summary>The scope that was current when this one was opened.</summary>
    public DisposeScope? Outer => _outer;

    /// <summary>Number of live tensors owned by this scope.</summary>
    public int Count
    {
        get
        {
            lock (_tensors) return _tensors.Count;
        }
    }

    internal void Register(Tensor t)
    {
        lock (_tensors)
        {
            if (_disposed) return; // created after dispose (e.g. a stray continuation): the caller owns it
            _tensors.Add(t);
            t.Scope = this;
        }
    }

    internal void Forget(Tensor t)
    {
        lock (_tensors)
        {
            _tensors.Remove(t);
            if (ReferenceEquals(t.Scope, this)) t.Scope = null;
        }
    }

    /// <summary>Moves <paramref name="tensor"/> to the enclosing scope (or makes the caller its owner when there is none).</summary>
    public Tensor MoveToOuter(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Forget(tensor);
        _outer?.Register(tensor);
        return tensor;
    }

    /// <summary>Moves several tensors to the enclosing scope.</summary>
    public void MoveToOuter(params Tensor[] tensors)
    {
        foreach (Tensor t in tensors) MoveToOuter(t);
    }

    /// <summary>Removes <paramref name="tensor"/> from this scope: the caller now owns it.</summary>
    public Tensor Detach(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Forget(tensor);
        return tensor;
    }

    /// <summary>Disposes every tensor still owned by the scope and restores the enclosing scope.</summary>
    public void Dispose()
    {
        Tensor[] owned;
        lock (_tensors)
        {
            if (_disposed) return;
            _disposed = true;
            owned = [.. _tensors];
            _tensors.Clear();
        }
        foreach (Tensor t in owned)
        {
            t.Scope = null;
            t.Dispose();
        }
        if (ReferenceEquals(s_current.Value, this)) s_current.Value = _outer;
    }
}
