using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Trm.Core.IO;
using Trm.Model.Configuration;
using Trm.Torch;
using Trm.Torch.Serialization;

namespace Trm.Model.Checkpoints;

/// <summary>
/// A TRM checkpoint — the one type that writes, opens and verifies them, used by the trainer, evaluation, the puzzle
/// solver and generation. On disk a checkpoint is a folder <c>&lt;run&gt;/step_N/</c> written atomically (files go to a
/// hidden sibling, a <c>manifest.json</c> with sizes and SHA-256 checksums is written last, the folder is renamed into
/// place) holding at least <c>model.safetensors</c> whose metadata carries the model's configuration (<c>trm_config</c>,
/// the reference's names). <see cref="Open"/> verifies the manifest (required unless the caller opts out explicitly);
/// <see cref="Import"/> reads a bare weights file, e.g. the reference's <c>torch.save</c> or safetensors output.
/// Every failure is a <see cref="TrmCheckpointException"/> naming the file.
/// </summary>
public sealed class TrmCheckpoint
{
    /// <summary>The manifest file name.</summary>
    public const string ManifestFile = "manifest.json";

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>The weights file of a checkpoint folder (EMA weights when the run kept an EMA).</summary>
    public const string ModelFile = "model.safetensors";

    /// <summary>The metadata key of the model configuration (reference JSON) in <see cref="ModelFile"/>.</summary>
    public const string ConfigMetadataKey = "trm_config";

    private TrmCheckpoint(string path, string weightsPath, TrmConfig config, CheckpointManifest? manifest, IReadOnlyDictionary<string, string> metadata, long step)
    {
        Path = path;
        WeightsPath = weightsPath;
        Config = config;
        Manifest = manifest;
        Metadata = metadata;
        Step = step;
    }

    /// <summary>The checkpoint folder, or the imported weights file.</summary>
    public string Path { get; }

    /// <summary>The weights file.</summary>
    public string WeightsPath { get; }

    /// <summary>The model configuration saved with the weights (data-shape options included).</summary>
    public TrmConfig Config { get; }

    /// <summary>The verified manifest, or <see langword="null"/> when opened without verification or imported.</summary>
    public CheckpointManifest? Manifest { get; }

    /// <summary>Whether every file was checked against the manifest.</summary>
    public bool Verified => Manifest is not null;

    /// <summary>The weights file's metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The optimizer step the checkpoint was written at (0 for an import).</summary>
    public long Step { get; }

    /// <summary>
    /// Opens a checkpoint folder — a <c>step_N</c> folder, or a run folder (its latest complete <c>step_N</c>) — after
    /// verifying every file against <c>manifest.json</c>.
    /// </summary>
    /// <param name="path">A <c>step_N</c> or run folder.</param>
    /// <param name="verify">Check the manifest and checksums (the default). <see langword="false"/> is the explicit opt-out for a folder without a manifest (e.g. copied by hand).</param>
    /// <exception cref="TrmCheckpointException">The folder is missing, incomplete, corrupted, or not a TRM checkpoint.</exception>
    public static TrmCheckpoint Open(string path, bool verify = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (File.Exists(path))
        {
            throw new TrmCheckpointException(path, "is a file, not a checkpoint folder; use TrmCheckpoint.Import for a bare weights file (e.g. the reference's)");
        }
        if (!Directory.Exists(path))
        {
            throw new TrmCheckpointException(path, "folder not found");
        }
        var folder = Resolve(path);
        var manifest = verify ? Verify(folder) : null;
        var weights = System.IO.Path.Combine(folder, ModelFile);
        if (!File.Exists(weights))
        {
            throw new TrmCheckpointException(folder, $"no {ModelFile}");
        }
        var metadata = ReadMetadata(weights);
        var config = ConfigFrom(metadata, weights);
        var step = manifest?.Step ?? (metadata.TryGetValue("step", out var s) && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0);
        return new TrmCheckpoint(folder, weights, config, manifest, metadata, step);
    }

    /// <summary>
    /// Imports a bare weights file without a manifest: a safetensors file (ours or the reference's) or a PyTorch
    /// <c>torch.save</c> state dict. The configuration comes from <paramref name="config"/>, else from the file's
    /// <c>trm_config</c> metadata.
    /// </summary>
    /// <param name="weightsFile">The <c>.safetensors</c> or <c>torch.save</c> file.</param>
    /// <param name="config">The model configuration when the file carries none (reference files don't).</param>
    /// <exception cref="TrmCheckpointException">The file is missing or unreadable, or no configuration is known.</exception>
    public static TrmCheckpoint Import(string weightsFile, TrmConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(weightsFile);
        if (!File.Exists(weightsFile))
        {
            throw new TrmCheckpointException(weightsFile, "weights file not found");
        }
        var metadata = IsSafeTensors(weightsFile) ? ReadMetadata(weightsFile) : new Dictionary<string, string>();
        var resolved = config ?? ConfigFrom(metadata, weightsFile);
        return new TrmCheckpoint(weightsFile, weightsFile, resolved, manifest: null, metadata, step: 0);
    }

    /// <summary>
    /// Builds the model on <paramref name="device"/> (bfloat16 forward only on CUDA when the configuration asks for it)
    /// with the checkpoint's weights loaded strictly, in evaluation mode.
    /// </summary>
    /// <param name="device">The device (default CPU).</param>
    /// <exception cref="TrmCheckpointException">The weights do not fit the configuration.</exception>
    /// <exception cref="NotSupportedException"><paramref name="device"/> is a CUDA device this build or machine does not have.</exception>
    public TrmModel LoadModel(Device? device) => LoadModel(device, evalHaltMaxSteps: null);

    /// <summary>
    /// Builds the model as <see cref="LoadModel(Device?)"/> does, evaluating with <paramref name="evalHaltMaxSteps"/> ACT
    /// steps (<see cref="TrmConfig.EvalHaltMaxSteps"/>) instead of the checkpoint's.
    /// </summary>
    /// <param name="device">The device (default CPU).</param>
    /// <param name="evalHaltMaxSteps">ACT steps of evaluation; <see langword="null"/> keeps the checkpoint's.</param>
    /// <exception cref="TrmCheckpointException">The weights do not fit the configuration.</exception>
    /// <exception cref="TrmConfigException"><paramref name="evalHaltMaxSteps"/> is not positive or too large.</exception>
    /// <exception cref="NotSupportedException"><paramref name="device"/> is a CUDA device this build or machine does not have.</exception>
    public TrmModel LoadModel(Device? device = null, int? evalHaltMaxSteps = null)
    {
        var target = device ?? Device.Cpu;
        var config = Config with { BatchSize = null, EvalHaltMaxSteps = evalHaltMaxSteps ?? Config.EvalHaltMaxSteps };
        config.Validate();
        Trm.Torch.Cuda.CudaDevice.EnsureAvailable(target);
        var model = new TrmModel(config.ForDevice(target));
        try
        {
            LoadWeights(model, target);
            model.To(target);
            model.Eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Loads the weights into <paramref name="model"/> (keys of the loss head or compiled reference accepted), strictly.</summary>
    /// <param name="model">A model of this checkpoint's configuration.</param>
    /// <param name="device">Where the tensors are loaded.</param>
    /// <exception cref="TrmCheckpointException">The weights do not fit the model.</exception>
    public void LoadWeights(TrmModel model, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        try
        {
            if (IsSafeTensors(WeightsPath))
            {
                using var file = SafeTensors.Load(WeightsPath, device);
                TrmStateDict.Load(model, file.Tensors, strict: true);
            }
            else
            {
                var state = TorchSave.LoadStateDict(WeightsPath);
                try
                {
                    TrmStateDict.Load(model, state, strict: true);
                }
                finally
                {
                    foreach (var t in state.Values) t.Dispose();
                }
            }
        }
        catch (Exception e) when (e is not TrmCheckpointException and not OutOfMemoryException)
        {
            throw new TrmCheckpointException(WeightsPath, $"weights do not fit the model: {e.Message}", e);
        }
    }

    /// <summary>The path of a file in the checkpoint folder.</summary>
    /// <param name="name">A file name listed in the manifest (e.g. <c>trainer.json</c>).</param>
    public string FilePath(string name) => System.IO.Path.Combine(Directory.Exists(Path) ? Path : System.IO.Path.GetDirectoryName(Path)!, name);

    private static bool IsSafeTensors(string file) => file.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);

    private static IReadOnlyDictionary<string, string> ReadMetadata(string weights)
    {
        try
        {
            return SafeTensors.ReadMetadata(weights);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new TrmCheckpointException(weights, $"unreadable weights: {e.Message}", e);
        }
    }

    private static TrmConfig ConfigFrom(IReadOnlyDictionary<string, string> metadata, string file)
    {
        if (!metadata.TryGetValue(ConfigMetadataKey, out var json))
        {
            throw new TrmCheckpointException(file, $"no '{ConfigMetadataKey}' in the metadata: not a Trm.Sdk checkpoint (pass the configuration to TrmCheckpoint.Import)");
        }
        try
        {
            return TrmConfig.FromReferenceJson(json);
        }
        catch (TrmConfigException e)
        {
            throw new TrmCheckpointException(file, $"invalid '{ConfigMetadataKey}' metadata: {e.Message}", e);
        }
    }

    /// <summary>The folder name of the checkpoint at <paramref name="step"/>: <c>step_N</c>.</summary>
    /// <param name="step">Optimizer step.</param>
    public static string StepFolderName(long step) => $"step_{step.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Creates <paramref name="directory"/> atomically: <paramref name="writeFiles"/> fills a temporary folder, then the
    /// manifest is written and the folder renamed. An existing checkpoint at the same path is replaced only when
    /// <paramref name="overwrite"/> is set (the old one stays whole until the swap); otherwise it is an error.
    /// </summary>
    /// <param name="directory">Final checkpoint folder.</param>
    /// <param name="step">Step recorded in the manifest.</param>
    /// <param name="writeFiles">Writes the checkpoint's files into the folder it is given.</param>
    /// <param name="overwrite">Replace an existing checkpoint folder.</param>
    /// <returns>The manifest written.</returns>
    public static CheckpointManifest Write(string directory, long step, Action<string> writeFiles, bool overwrite = false)
    {
        ArgumentNullException.ThrowIfNull(writeFiles);
        CheckpointManifest? manifest = null;
        try
        {
            AtomicDirectory.Write(directory, temp =>
            {
                writeFiles(temp);
                var files = new SortedDictionary<string, CheckpointFileEntry>(StringComparer.Ordinal);
                foreach (var file in Directory.EnumerateFiles(temp, "*", SearchOption.AllDirectories))
                {
                    var name = System.IO.Path.GetRelativePath(temp, file).Replace('\\', '/');
                    if (name == ManifestFile) continue;
                    files[name] = new CheckpointFileEntry(new FileInfo(file).Length, Sha256Of(file));
                }
                manifest = new CheckpointManifest { Step = step, Created = DateTimeOffset.UtcNow, Files = files };
                File.WriteAllText(System.IO.Path.Combine(temp, ManifestFile), JsonSerializer.Serialize(manifest, JsonOptions));
            }, overwrite);
        }
        catch (IOException e) when (!overwrite && Directory.Exists(directory) && e.Message.EndsWith("already exists", StringComparison.Ordinal))
        {
            throw new TrmCheckpointException(directory, "already exists; a checkpoint is never overwritten unless asked (resume the run, or choose another run name)", e);
        }
        return manifest!;
    }

    /// <summary>
    /// Reads the manifest of <paramref name="directory"/> and checks that every listed file exists with the recorded size
    /// and SHA-256.
    /// </summary>
    /// <param name="directory">A checkpoint folder.</param>
    /// <exception cref="TrmCheckpointException">The folder, manifest or a file is missing, truncated or corrupted.</exception>
    public static CheckpointManifest Verify(string directory)
    {
        var manifest = ReadManifest(directory);
        foreach (var (name, entry) in manifest.Files)
        {
            var file = System.IO.Path.Combine(directory, name);
            if (!File.Exists(file))
            {
                throw new TrmCheckpointException(directory, $"file '{name}' listed in the manifest is missing");
            }
            var length = new FileInfo(file).Length;
            if (length != entry.Bytes)
            {
                throw new TrmCheckpointException(directory, $"file '{name}' has {length} bytes, the manifest says {entry.Bytes} (truncated or modified)");
            }
            var sha = Sha256Of(file);
            if (!string.Equals(sha, entry.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new TrmCheckpointException(directory, $"file '{name}' fails its checksum (SHA-256 {sha}, manifest {entry.Sha256}): the file is corrupted");
            }
        }
        return manifest;
    }

    /// <summary>Reads <c>manifest.json</c> without checking the files.</summary>
    /// <param name="directory">A checkpoint folder.</param>
    /// <exception cref="TrmCheckpointException">The folder or manifest is missing or malformed.</exception>
    public static CheckpointManifest ReadManifest(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new TrmCheckpointException(directory, "folder not found");
        }
        var path = System.IO.Path.Combine(directory, ManifestFile);
        if (!File.Exists(path))
        {
            throw new TrmCheckpointException(directory, $"no {ManifestFile}: not a checkpoint folder, or an interrupted write");
        }
        CheckpointManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<CheckpointManifest>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new TrmCheckpointException(path, $"malformed manifest at line {e.LineNumber + 1}: {e.Message}", e);
        }
        if (manifest is null || manifest.Format != CheckpointManifest.FormatName)
        {
            throw new TrmCheckpointException(path, $"format is '{manifest?.Format}', expected '{CheckpointManifest.FormatName}'");
        }
        if (manifest.Version > CheckpointManifest.CurrentVersion)
        {
            throw new TrmCheckpointException(path, $"layout version {manifest.Version} is newer than this SDK's ({CheckpointManifest.CurrentVersion})");
        }
        return manifest;
    }

    /// <summary>The complete <c>step_N</c> checkpoint with the highest N under <paramref name="runDirectory"/>, or <see langword="null"/>.</summary>
    /// <param name="runDirectory">A run folder such as <c>checkpoints/my-run</c>.</param>
    public static string? FindLatest(string runDirectory) => FindAll(runDirectory).FirstOrDefault();

    /// <summary>
    /// The complete <c>step_N</c> checkpoints (those with a <c>manifest.json</c>) under <paramref name="runDirectory"/>,
    /// newest (highest N) first; empty when the folder does not exist.
    /// </summary>
    /// <param name="runDirectory">A run folder such as <c>checkpoints/my-run</c>.</param>
    public static IReadOnlyList<string> FindAll(string runDirectory)
    {
        if (!Directory.Exists(runDirectory)) return [];
        return [.. Directory.EnumerateDirectories(runDirectory, "step_*")
            .Select(d => (dir: d, ok: long.TryParse(System.IO.Path.GetFileName(d)["step_".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var n), n))
            .Where(x => x.ok && File.Exists(System.IO.Path.Combine(x.dir, ManifestFile)))
            .OrderByDescending(x => x.n)
            .Select(x => x.dir)];
    }

    /// <summary>
    /// The checkpoint folder that <paramref name="path"/> names: itself when it holds a checkpoint (a manifest or weights),
    /// else, for a run folder, its latest complete <c>step_N</c>.
    /// </summary>
    /// <param name="path">A <c>step_N</c> or run folder.</param>
    /// <exception cref="TrmCheckpointException">The folder holds neither a checkpoint nor a complete <c>step_N</c>.</exception>
    public static string Resolve(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (File.Exists(System.IO.Path.Combine(path, ManifestFile)) || File.Exists(System.IO.Path.Combine(path, ModelFile))) return path;
        return FindLatest(path) ?? throw new TrmCheckpointException(path, "no complete step_N checkpoint found (neither a checkpoint nor a run folder)");
    }

    private static string Sha256Of(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
