namespace Trm.Data.Puzzles;

/// <summary>
/// Atomic output for dataset builders: everything is written into a hidden staging folder next to the target, and
/// <see cref="Commit"/> renames it into place (replacing an existing folder). Disposing without committing deletes
/// the staging folder, so an interrupted build leaves the previous output untouched.
/// </summary>
internal sealed class PuzzleOutputDirectory : IDisposable
{
    private bool _committed;

    public PuzzleOutputDirectory(string target)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        Target = Path.GetFullPath(target.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        var parent = Path.GetDirectoryName(Target)!;
        Directory.CreateDirectory(parent);
        Staging = Path.Combine(parent, $".{Path.GetFileName(Target)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(Staging);
    }

    /// <summary>The final folder.</summary>
    public string Target { get; }

    /// <summary>The folder to write into.</summary>
    public string Staging { get; }

    /// <summary>Moves the staging folder to <see cref="Target"/>, replacing what was there.</summary>
    public void Commit()
    {
        string? old = null;
        if (Directory.Exists(Target))
        {
            old = Staging + ".old";
            Directory.Move(Target, old);
        }
        else if (File.Exists(Target))
        {
            throw new IOException($"{Target} exists and is a file, not a folder.");
        }
        Directory.Move(Staging, Target);
        _committed = true;
        if (old is not null)
            Directory.Delete(old, recursive: true);
    }

    public void Dispose()
    {
        if (_committed)
            return;
        try
        {
            if (Directory.Exists(Staging))
                Directory.Delete(Staging, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
