using System.Globalization;

namespace Trm.Torch.Optim;

/// <summary>
/// An optimizer's state: tensors by "state.{group}.{index}.{name}" (live references owned by the optimizer) and scalars
/// ("state.{group}.{index}.step", "group.{group}.lr", "group.{group}.weight_decay", "group.{group}.beta1", …).
/// <see cref="ToMetadata"/> and <see cref="FromMetadata"/> turn the scalars into strings and back without loss, so a state
/// saved as a safetensors file (tensors + metadata) resumes exactly.
/// </summary>
/// <param name="Tensors">State tensors.</param>
/// <param name="Scalars">Step counts and hyper-parameters.</param>
public sealed record OptimizerState(Dictionary<string, Tensor> Tensors, Dictionary<string, double> Scalars)
{
    /// <summary>The scalars as strings that parse back to the same doubles (round-trip format, invariant culture).</summary>
    public Dictionary<string, string> ToMetadata() =>
        Scalars.ToDictionary(kv => kv.Key, kv => kv.Value.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>A state from saved tensors and the metadata written by <see cref="ToMetadata"/>; other metadata keys are ignored.</summary>
    /// <param name="tensors">The state tensors (referenced, not copied).</param>
    /// <param name="metadata">Metadata holding the scalars (keys starting with <c>state.</c> or <c>group.</c>).</param>
    /// <exception cref="FormatException">A scalar is not a number (the message names its key).</exception>
    public static OptimizerState FromMetadata(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(metadata);
        var scalars = new Dictionary<string, double>();
        foreach (var (key, text) in metadata)
        {
            if (!key.StartsWith("state.", StringComparison.Ordinal) && !key.StartsWith("group.", StringComparison.Ordinal)) continue;
            scalars[key] = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
                ? v
                : throw new FormatException($"optimizer state scalar '{key}' is not a number: '{text}'");
        }
        return new OptimizerState(tensors.ToDictionary(kv => kv.Key, kv => kv.Value), scalars);
    }
}
