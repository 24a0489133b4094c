using Trm.Torch.Serialization;

namespace Trm.Model.Tests;

/// <summary>One of the reference parity files (Data/trm-reference/trm_&lt;variant&gt;.safetensors).</summary>
internal sealed class ReferenceData : IDisposable
{
    private readonly SafeTensorsFile _file;

    private ReferenceData(string variant)
    {
        Variant = variant;
        _file = SafeTensors.Load(PathOf($"trm_{variant}.safetensors"));
        Config = TrmConfig.FromReferenceJson(_file.Metadata["config"]);
    }

    public static string[] Variants => ["attn_rope", "mlp_t_none", "attn_learned"];

    public string Variant { get; }

    public TrmConfig Config { get; }

    public IReadOnlyDictionary<string, Tensor> Tensors => _file.Tensors;

    public Tensor this[string key] =>
        _file.Tensors.TryGetValue(key, out var t) ? t : throw new KeyNotFoundException($"{Variant}: no tensor '{key}'.");

    public static ReferenceData Open(string variant) => new(variant);

    public static string PathOf(string name) =>
        Path.Combine(TestContext.CurrentContext.TestDirectory, "Data", "trm-reference", name);

    /// <summary>The reference state dict (keys without the "state." prefix, i.e. "model.inner....").</summary>
    public Dictionary<string, Tensor> State() =>
        _file.Tensors.Where(kv => kv.Key.StartsWith("state.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key["state.".Length..], kv => kv.Value);

    /// <summary>Gradients by reference parameter name ("model.inner...." or "puzzle_emb.local_weights").</summary>
    public Dictionary<string, Tensor> Grads() =>
        _file.Tensors.Where(kv => kv.Key.StartsWith("grad.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key["grad.".Length..], kv => kv.Value);

    public TrmBatch Batch() => new(this["batch.inputs"].Clone(), this["batch.labels"].Clone(), this["batch.puzzle_identifiers"].Clone());

    public void Dispose() => _file.Dispose();
}
