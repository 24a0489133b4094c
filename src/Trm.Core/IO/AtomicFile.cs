namespace Trm.Core.IO;

/// <summary>
/// Writes files atomically: to a temporary file in the same folder, flushed to disk, then renamed over the target, so a
/// reader sees the old file or the new one, never a torn one (kill -9, full disk). The one implementation in the SDK.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>A temporary path next to <paramref name="path"/>, unique to this process and call.</summary>
    /// <param name="path">The target file.</param>
    public static string TempPathFor(string path) => $"{path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";

    /// <summary>Writes <paramref name="text"/> (UTF-8, no BOM) to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="text">The content.</param>
    public static void WriteAllText(string path, string text) => Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
        writer.Write(text);
    });

    /// <summary>Writes through <paramref name="write"/> into a temporary file, then renames it to <paramref name="path"/>; the temporary file is removed on failure.</summary>
    /// <param name="path">The target file (its folder is created).</param>
    /// <param name="write">Writes the content.</param>
    public static void Write(string path, Action<Stream> write)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        var temp = TempPathFor(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>
    /// Deletes, in <paramref name="folder"/>, the temporary files (<c>NAME.tmp-PID-GUID</c>, see <see cref="TempPathFor"/>)
    /// of writes whose process is gone (killed before its rename). Files of live processes, and anything not named this way,
    /// are left alone.
    /// </summary>
    /// <param name="folder">The folder (nothing happens when it does not exist).</param>
    /// <returns>The files deleted.</returns>
    public static IReadOnlyList<string> RemoveDeadTemporaryFiles(string folder)
    {
        var removed = new List<string>();
        if (!Directory.Exists(folder)) return removed;
        foreach (var path in Directory.EnumerateFiles(folder, "*.tmp-*"))
        {
            var match = TempName().Match(Path.GetFileName(path));
            if (!match.Success || !int.TryParse(match.Groups["pid"].ValueSpan, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid)) continue;
            if (pid == Environment.ProcessId || ProcessLiveness.IsAlive(pid)) continue;
            try
            {
                File.Delete(path);
                removed.Add(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // left for the next start
            }
        }
        return removed;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^.+\.tmp-(?<pid>[0-9]+)-[0-9a-f]{32}$")]
    private static partial System.Text.RegularExpressions.Regex TempName();
}
