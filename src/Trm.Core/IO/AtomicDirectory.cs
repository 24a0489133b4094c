namespace Trm.Core.IO;

/// <summary>
/// Writes a whole folder atomically: its files are written into a temporary sibling (<c>.NAME.tmp-PID-GUID</c>), flushed,
/// and the sibling is renamed into place only when complete. An existing folder stays readable until the swap. Temporary
/// siblings left by a killed writer are recognised by <see cref="IsTemporary"/> and removed by <see cref="CleanStale"/>.
/// </summary>
public static class AtomicDirectory
{
    /// <summary>
    /// Calls <paramref name="writeFiles"/> with an empty temporary sibling of <paramref name="directory"/>, then replaces
    /// <paramref name="directory"/> with it. When <paramref name="overwrite"/> is false and the folder exists, throws
    /// <see cref="IOException"/> before writing anything. On any failure the temporary folder is removed and the old
    /// folder is untouched.
    /// </summary>
    /// <param name="directory">The folder to create or replace.</param>
    /// <param name="writeFiles">Writes the content into the folder it is given.</param>
    /// <param name="overwrite">Replace an existing folder.</param>
    public static void Write(string directory, Action<string> writeFiles, bool overwrite = false)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(writeFiles);
        var final = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar);
        var parent = Path.GetDirectoryName(final)!;
        var name = Path.GetFileName(final);
        if (!overwrite && Directory.Exists(final))
        {
            throw new IOException($"{final} already exists");
        }
        Directory.CreateDirectory(parent);
        var temp = Path.Combine(parent, $".{name}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            writeFiles(temp);
            foreach (var file in Directory.EnumerateFiles(temp, "*", SearchOption.AllDirectories))
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
                stream.Flush(flushToDisk: true);
            }
            if (Directory.Exists(final))
            {
                // Two renames: the old folder moves aside (still whole), the new one takes its name, the old one is deleted.
                var old = Path.Combine(parent, $".{name}.old-{Environment.ProcessId}-{Guid.NewGuid():N}");
                Directory.Move(final, old);
                try
                {
                    Directory.Move(temp, final);
                }
                catch
                {
                    Directory.Move(old, final);
                    throw;
                }
                Directory.Delete(old, recursive: true);
            }
            else
            {
                Directory.Move(temp, final);
            }
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>Whether <paramref name="name"/> is a temporary or set-aside sibling written by <see cref="Write"/>.</summary>
    /// <param name="name">A file or folder name (not a path).</param>
    public static bool IsTemporary(string name) =>
        name.StartsWith('.') && (name.Contains(".tmp-", StringComparison.Ordinal) || name.Contains(".old-", StringComparison.Ordinal));

    /// <summary>
    /// Removes temporary siblings in <paramref name="parent"/> left by writers whose process no longer runs, and restores a
    /// set-aside <c>.NAME.old-*</c> folder whose replacement never arrived. Returns the number of folders removed.
    /// </summary>
    /// <param name="parent">The folder holding atomically written folders.</param>
    public static int CleanStale(string parent)
    {
        if (!Directory.Exists(parent)) return 0;
        var removed = 0;
        foreach (var path in Directory.EnumerateDirectories(parent))
        {
            var name = Path.GetFileName(path);
            if (!IsTemporary(name) || OwnerAlive(name)) continue;
            if (name.Contains(".old-", StringComparison.Ordinal))
            {
                var original = Path.Combine(parent, name[1..name.IndexOf(".old-", StringComparison.Ordinal)]);
                if (!Directory.Exists(original))
                {
                    Directory.Move(path, original);
                    continue;
                }
            }
            Directory.Delete(path, recursive: true);
            removed++;
        }
        return removed;
    }

    private static bool OwnerAlive(string name)
    {
        var marker = name.Contains(".tmp-", StringComparison.Ordinal) ? ".tmp-" : ".old-";
        var rest = name[(name.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..];
        var dash = rest.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || !int.TryParse(rest[..dash], out var pid)) return false;
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
