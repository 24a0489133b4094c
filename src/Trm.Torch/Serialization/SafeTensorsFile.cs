namespace Trm.Torch.Serialization;

/// <summary>The tensors and metadata read from a safetensors file. Owns the tensors until disposed or taken.</summary>
public sealed class SafeTensorsFile : IDisposable
{
    private readonly Dictionary<string, Tensor> _tensors;

    internal SafeTensorsFile(Dictionary<string, Tensor> tensors, Dictionary<string, string> metadata)
    {
        _tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>Tensors by name.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors => _tensors;

    /// <summary>The "__metadata__" strings (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Removes a tensor from this file object: the caller owns it afterwards.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    public Tensor Take(string name)
    {
        if (!_tensors.Remove(name, out Tensor? t)) throw new KeyNotFoundException($"no tensor named '{name}' in the file");
        return t;
    }

    /// <summary>Disposes the tensors still owned.</summary>
    public void Dispose()
    {
        foreach (var t in _tensors.Values) t.Dispose();
        _tensors.Clear();
    }
}
