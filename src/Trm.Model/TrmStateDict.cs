using Trm.Torch;
using Trm.Torch.Serialization;

namespace Trm.Model;

/// <summary>
/// Moves TRM weights between our model and the reference's checkpoints. Reference state dicts come from its
/// <c>ACTLossHead</c> (keys <c>model.inner.…</c>), possibly compiled (<c>_orig_mod.model.inner.…</c>); our
/// <see cref="TrmModel"/> alone uses <c>inner.…</c>.
/// </summary>
public static class TrmStateDict
{
    /// <summary>Prefix torch.compile puts before every key.</summary>
    public const string CompiledPrefix = "_orig_mod.";

    /// <summary>Prefix of the loss head's sub-module holding the model.</summary>
    public const string LossHeadPrefix = "model.";

    /// <summary>
    /// The same tensors keyed for <see cref="TrmModel"/>: drops a leading <c>_orig_mod.</c> and then a leading
    /// <c>model.</c> from every key (keys already starting with <c>inner.</c> are kept).
    /// </summary>
    /// <param name="state">A reference or our state dict.</param>
    /// <returns>A new dictionary over the same tensors.</returns>
    public static Dictionary<string, Tensor> ForModel(IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, tensor) in state)
        {
            var name = key.StartsWith(CompiledPrefix, StringComparison.Ordinal) ? key[CompiledPrefix.Length..] : key;
            if (name.StartsWith(LossHeadPrefix, StringComparison.Ordinal))
            {
                name = name[LossHeadPrefix.Length..];
            }

            if (!result.TryAdd(name, tensor))
            {
                throw new ArgumentException($"TRM state dict: keys '{key}' and another one both map to '{name}'.", nameof(state));
            }
        }

        return result;
    }

    /// <summary>Our model's state keyed as the reference's loss head (<c>model.inner.…</c>): live tensors, not copies.</summary>
    /// <param name="model">The model.</param>
    public static Dictionary<string, Tensor> ToReference(TrmModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.StateDict().ToDictionary(kv => LossHeadPrefix + kv.Key, kv => kv.Value, StringComparer.Ordinal);
    }

    /// <summary>Loads a reference (or our) state dict into <paramref name="model"/>, accepting either key style.</summary>
    /// <param name="model">The model to fill (copies in).</param>
    /// <param name="state">The tensors.</param>
    /// <param name="strict">Report missing and unexpected keys and shape mismatches.</param>
    public static void Load(TrmModel model, IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.LoadStateDict(ForModel(state), strict);
    }

    /// <summary>
    /// Reads a state dict from a <c>.safetensors</c> file or a PyTorch <c>torch.save(state_dict)</c> file (chosen by the
    /// file's first bytes) and loads it into <paramref name="model"/>.
    /// </summary>
    /// <param name="model">The model to fill.</param>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="strict">Report missing and unexpected keys and shape mismatches.</param>
    public static void LoadFile(TrmModel model, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        if (IsZipOrPickle(path))
        {
            var state = TorchSave.LoadStateDict(path);
            try
            {
                Load(model, state, strict);
            }
            finally
            {
                foreach (var t in state.Values)
                {
                    t.Dispose();
                }
            }
        }
        else
        {
            using var file = SafeTensors.Load(path);
            Load(model, file.Tensors, strict);
        }
    }

    /// <summary>Saves <paramref name="model"/>'s state as safetensors with the reference's key names.</summary>
    /// <param name="model">The model.</param>
    /// <param name="path">Target file (written atomically).</param>
    /// <param name="metadata">Optional string metadata (e.g. the config JSON).</param>
    public static void SaveReference(TrmModel model, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        SafeTensors.Save(path, ToReference(model), metadata);
    }

    private static bool IsZipOrPickle(string path)
    {
        Span<byte> head = stackalloc byte[4];
        using var stream = File.OpenRead(path);
        int read = stream.Read(head);
        // torch.save: a zip archive ("PK\x03\x04") or a legacy pickle stream (protocol marker 0x80).
        return (read >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4)
            || (read >= 1 && head[0] == 0x80);
    }
}
