using System.Globalization;
using Trm.Inference.Generation;
using Trm.Model;
using Trm.Model.Checkpoints;
using Trm.Tokenization;
using Trm.Torch;
using Trm.Torch.Serialization;

namespace Trm.Rl.Policies;

/// <summary>
/// Loads a chat model with its base tokenizer from a checkpoint, and writes a policy back as a checkpoint that
/// <c>trm generate</c>, <c>trm rl …</c> and <see cref="TrmCheckpoint"/> read (weights, configuration, tokenizer spec and,
/// for a character tokenizer, its vocabulary beside the weights).
/// </summary>
public static class PolicyCheckpoint
{
    /// <summary>Loads the model (training mode off) and the base tokenizer named by the checkpoint (or <paramref name="tokenizerSpec"/>).</summary>
    /// <param name="path">A <c>step_N</c> folder, a run folder (its latest step) or a bare <c>.safetensors</c> file.</param>
    /// <param name="tokenizerSpec">Overrides the checkpoint's tokenizer metadata (<c>gpt2</c>, <c>char:vocab.json</c>).</param>
    /// <param name="device">Where the model goes (default CPU).</param>
    /// <exception cref="TrmCheckpointException">The checkpoint cannot be read.</exception>
    public static (TrmModel Model, Tokenizer Tokenizer, TrmCheckpoint Checkpoint) Load(string path, string? tokenizerSpec = null, Device? device = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var resolved = path;
        if (Directory.Exists(path) && !File.Exists(Path.Combine(path, TrmCheckpoint.ManifestFile)) && TrmCheckpoint.FindLatest(path) is { } latest)
            resolved = latest;
        var checkpoint = File.Exists(resolved) ? TrmCheckpoint.Import(resolved) : TrmCheckpoint.Open(resolved);
        var spec = tokenizerSpec ?? checkpoint.Metadata.GetValueOrDefault(TextGeneratorBuilder.TokenizerMetadataKey) ?? "gpt2";
        if (tokenizerSpec is null && spec.StartsWith("char:", StringComparison.OrdinalIgnoreCase) && !Path.IsPathRooted(spec[5..]))
            spec = "char:" + checkpoint.FilePath(spec[5..]);
        var tokenizer = Tokenizer.FromName(spec);
        return (checkpoint.LoadModel(device), tokenizer, checkpoint);
    }

    /// <summary>Writes <paramref name="model"/> atomically as <c>step_N</c> under <paramref name="runDirectory"/> (replacing one of the same step).</summary>
    /// <param name="runDirectory">The run folder.</param>
    /// <param name="step">The step.</param>
    /// <param name="model">The model.</param>
    /// <param name="tokenizer">The base tokenizer (a character tokenizer's vocabulary is saved beside the weights).</param>
    /// <param name="metadata">Extra metadata (e.g. <c>rl = grpo</c>).</param>
    /// <returns>The checkpoint folder.</returns>
    public static string Save(string runDirectory, long step, TrmModel model, Tokenizer tokenizer, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(runDirectory);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var folder = Path.Combine(runDirectory, TrmCheckpoint.StepFolderName(step));
        var meta = new Dictionary<string, string>
        {
            ["format"] = "trm",
            [TrmCheckpoint.ConfigMetadataKey] = model.Config.ToReferenceJson(),
            [TextGeneratorBuilder.TokenizerMetadataKey] = tokenizer is CharTokenizer ? "char:vocab.json" : tokenizer.Name,
            ["step"] = step.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>()) meta[key] = value;
        TrmCheckpoint.Write(folder, step, temp =>
        {
            SafeTensors.Save(Path.Combine(temp, TrmCheckpoint.ModelFile), model.StateDict(), meta);
            if (tokenizer is CharTokenizer chars) chars.Save(Path.Combine(temp, "vocab.json"));
        }, overwrite: true);
        return folder;
    }

    /// <summary>A frozen copy of <paramref name="model"/> (same weights, evaluation mode, no gradients): the KL reference.</summary>
    public static TrmModel FrozenCopy(TrmModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var copy = new TrmModel(model.Config);
        try
        {
            copy.To(model.Device);
            copy.LoadStateDict(model.StateDict());
            foreach (var p in copy.Parameters()) p.RequiresGrad = false;
            copy.Eval();
            return copy;
        }
        catch
        {
            copy.Dispose();
            throw;
        }
    }
}
