using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Trm.Data;

namespace Trm.Training.Checkpoints;

/// <summary>
/// Writes and verifies checkpoint folders (<c>&lt;run&gt;/step_N/</c>) atomically: files go to a hidden sibling temp folder,
/// a <c>manifest.json</c> with sizes and SHA-256 checksums is written last, and the folder is renamed into place, so a
/// reader sees a complete checkpoint or none.
/// </summary>
public static class CheckpointDirectory
{
    /// <summary>The manifest file name.</summary>
    public const string ManifestFile = "manifest.json";

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>The folder name of the checkpoint at <paramref name="step"/>: <c>step_N</c>.</summary>
    /// <param name="step">Optimizer step.</param>
    public static string StepFolderName(long step) => $"step_{step.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Creates <paramref name="directory"/> atomically: <paramref name="writeFiles"/> fills a temporary folder, then the
    /// manifest is written and the folder renamed. An existing checkpoint at the same path is replaced.
    /// </summary>
    /// <param name="directory">Final checkpoint folder.</param>
    /// <param name="step">Step recorded in the manifest.</param>
    /// <param name="writeFiles">Writes the checkpoint's files into the folder it is given.</param>
    /// <returns>The manifest written.</returns>
    public static CheckpointManifest Write(string directory, long step, Action<string> writeFiles)
    {
        ArgumentNullException.ThrowIfNull(writeFiles);
        var final = Path.GetFullPath(directory);
        var parent = Path.GetDirectoryName(final)!;
        Directory.CreateDirectory(parent);
        var temp = Path.Combine(parent, $".{Path.GetFileName(final)}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            writeFiles(temp);
            var files = new SortedDictionary<string, CheckpointFileEntry>(StringComparer.Ordinal);
            foreach (var file in Directory.EnumerateFiles(temp, "*", SearchOption.AllDirectories))
            {
                var name = Path.GetRelativePath(temp, file).Replace('\\', '/');
                if (name == ManifestFile) continue;
                files[name] = new CheckpointFileEntry(new FileInfo(file).Length, Sha256Of(file));
            }
            var manifest = new CheckpointManifest { Step = step, Created = DateTimeOffset.UtcNow, Files = files };
            AtomicFile.WriteAllText(Path.Combine(temp, ManifestFile), JsonSerializer.Serialize(manifest, JsonOptions));

            if (Directory.Exists(final))
            {
                var old = Path.Combine(parent, $".{Path.GetFileName(final)}.old-{Guid.NewGuid():N}");
                Directory.Move(final, old);
                Directory.Move(temp, final);
                Directory.Delete(old, recursive: true);
            }
            else
            {
                Directory.Move(temp, final);
            }
            return manifest;
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
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
            var file = Path.Combine(directory, name);
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
        var path = Path.Combine(directory, ManifestFile);
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
    public static string? FindLatest(string runDirectory)
    {
        if (!Directory.Exists(runDirectory)) return null;
        return Directory.EnumerateDirectories(runDirectory, "step_*")
            .Select(d => (dir: d, ok: long.TryParse(Path.GetFileName(d)["step_".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var n), n))
            .Where(x => x.ok && File.Exists(Path.Combine(x.dir, ManifestFile)))
            .OrderByDescending(x => x.n)
            .Select(x => x.dir)
            .FirstOrDefault();
    }

    private static string Sha256Of(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
