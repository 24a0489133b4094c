using System.Globalization;
using System.Runtime.InteropServices;

namespace Trm.Core.IO;

/// <summary>
/// Atomic output folder for dataset builds: everything is written into a hidden staging sibling of the target
/// (<c>.NAME.PID.GUID.tmp</c>), and <see cref="Commit"/> swaps it into place. On Linux the swap is one
/// <c>renameat2(RENAME_EXCHANGE)</c>, so there is no instant at which the target is missing; elsewhere it is two renames.
/// Until the swap the previous folder is untouched and readable; disposing without committing deletes the staging folder.
/// Staging folders left by a build that died (kill -9, power loss) are deleted when the next build of the same target starts.
/// </summary>
public sealed partial class AtomicDirectory : IDisposable
{
    private const string TempSuffix = ".tmp";
    private const string OldSuffix = ".old";
    private bool _committed;

    /// <summary>Creates the staging folder for <paramref name="target"/>, removing dead builds' leftovers first.</summary>
    public AtomicDirectory(string target)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        Target = Path.GetFullPath(target.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        if (File.Exists(Target)) throw new IOException($"{Target} exists and is a file, not a folder.");
        var parent = Path.GetDirectoryName(Target)!;
        Directory.CreateDirectory(parent);
        RemoveDeadStaging(Target);
        Staging = Path.Combine(parent, $".{Path.GetFileName(Target)}.{Environment.ProcessId}.{Guid.NewGuid():N}{TempSuffix}");
        Directory.CreateDirectory(Staging);
        try
        {
            BuildFaults.At("staged");
        }
        catch
        {
            DeleteQuietly(Staging);
            throw;
        }
    }

    /// <summary>The final folder.</summary>
    public string Target { get; }

    /// <summary>The folder to write into.</summary>
    public string Staging { get; }

    /// <summary>Swaps the staging folder in as <see cref="Target"/>, then deletes the previous contents.</summary>
    public void Commit()
    {
        BuildFaults.At("commit");
        if (!Directory.Exists(Target))
        {
            Directory.Move(Staging, Target);
        }
        else if (!TryExchange(Staging, Target))
        {
            // Two renames: a build killed between them leaves the previous output in ".old", restored by the next build.
            var old = Staging + OldSuffix;
            Directory.Move(Target, old);
            Directory.Move(Staging, Target);
            Directory.Move(old, Staging);
        }
        _committed = true;
        BuildFaults.At("swapped");
        DeleteQuietly(Staging); // now holds the previous output
    }

    /// <summary>Deletes the staging folder unless the build was committed.</summary>
    /// <summary>
    /// Writes a whole folder atomically in one call: <paramref name="writeFiles"/> fills the staging folder, every file is
    /// flushed to disk, and the folder is swapped in. When <paramref name="overwrite"/> is false an existing
    /// <paramref name="directory"/> is an <see cref="IOException"/> raised before anything is written.
    /// </summary>
    /// <param name="directory">The folder to create or replace.</param>
    /// <param name="writeFiles">Writes the content into the folder it is given.</param>
    /// <param name="overwrite">Replace an existing folder.</param>
    public static void Write(string directory, Action<string> writeFiles, bool overwrite = false)
    {
        ArgumentNullException.ThrowIfNull(writeFiles);
        if (!overwrite && Directory.Exists(directory))
        {
            throw new IOException($"{Path.GetFullPath(directory)} already exists");
        }
        using var staging = new AtomicDirectory(directory);
        writeFiles(staging.Staging);
        foreach (var file in Directory.EnumerateFiles(staging.Staging, "*", SearchOption.AllDirectories))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            stream.Flush(flushToDisk: true);
        }
        staging.Commit();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_committed) DeleteQuietly(Staging);
    }

    /// <summary>
    /// Deletes the <c>.NAME.PID.*.tmp</c> siblings of <paramref name="target"/> whose process is gone (a live build keeps its own);
    /// a dead build's <c>.tmp.old</c> (the previous output, between the two renames of the fallback swap) is put back when the
    /// target is missing.
    /// </summary>
    /// <summary>Removes staging folders of <paramref name="target"/> left by dead processes, restoring a set-aside previous output whose replacement never arrived.</summary>
    /// <param name="target">The output folder.</param>
    public static void RemoveDeadStaging(string target)
    {
        var parent = Path.GetDirectoryName(target)!;
        var name = Path.GetFileName(target);
        var prefix = $".{name}.";
        foreach (var path in Directory.EnumerateDirectories(parent, $".{name}.*"))
        {
            var rest = Path.GetFileName(path)[prefix.Length..];
            var dot = rest.IndexOf('.');
            if (dot <= 0 || !(rest.EndsWith(TempSuffix, StringComparison.Ordinal) || rest.EndsWith(TempSuffix + OldSuffix, StringComparison.Ordinal))
                || !int.TryParse(rest.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                continue;
            if (pid == Environment.ProcessId || ProcessLiveness.IsAlive(pid)) continue;
            if (rest.EndsWith(OldSuffix, StringComparison.Ordinal) && !Directory.Exists(target))
                Directory.Move(path, target);
            else
                DeleteQuietly(path);
        }
    }

    /// <summary>
    /// Removes, in <paramref name="folder"/>, every staging folder (<c>.NAME.PID.GUID.tmp</c>) left by a process that is
    /// gone, whatever its target: a killed writer of <c>step_6</c> leaves one that no later write of <c>step_6</c> would
    /// find. A dead writer's set-aside previous output (<c>.NAME.PID.GUID.tmp.old</c>) is put back when <c>NAME</c> is
    /// missing, else deleted. Folders of live processes, and anything not named this way, are left alone.
    /// </summary>
    /// <param name="folder">The folder holding the targets (nothing happens when it does not exist).</param>
    /// <returns>The paths removed or restored.</returns>
    public static IReadOnlyList<string> RemoveDeadStagingIn(string folder)
    {
        var removed = new List<string>();
        if (!Directory.Exists(folder)) return removed;
        foreach (var path in Directory.EnumerateDirectories(folder, ".*" + TempSuffix + "*"))
        {
            var match = StagingName().Match(Path.GetFileName(path));
            if (!match.Success || !int.TryParse(match.Groups["pid"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            if (pid == Environment.ProcessId || ProcessLiveness.IsAlive(pid)) continue;
            var target = Path.Combine(folder, match.Groups["name"].Value);
            if (match.Groups["old"].Success && !Directory.Exists(target))
                Directory.Move(path, target);
            else
                DeleteQuietly(path);
            removed.Add(path);
        }
        return removed;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\.(?<name>.+)\.(?<pid>[0-9]+)\.[0-9a-f]{32}\.tmp(?<old>\.old)?$")]
    private static partial System.Text.RegularExpressions.Regex StagingName();

    private static void DeleteQuietly(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a leftover is removed by the next build of the same target
        }
    }

    private static bool TryExchange(string a, string b)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            if (Renameat2(AtFdCwd, a, AtFdCwd, b, RenameExchange) == 0) return true;
        }
        catch (EntryPointNotFoundException)
        {
            return false; // a C library without renameat2
        }
        int errno = Marshal.GetLastPInvokeError();
        // EINVAL/ENOSYS: the file system or kernel cannot exchange; fall back to two renames.
        if (errno is 22 or 38 or 95) return false;
        throw new IOException($"cannot swap {a} into {b}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
    }

    private const int AtFdCwd = -100;
    private const uint RenameExchange = 2;

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Renameat2(int olddirfd, string oldpath, int newdirfd, string newpath, uint flags);
}
