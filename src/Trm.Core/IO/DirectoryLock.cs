using System.Text.Json;

namespace Trm.Core.IO;

/// <summary>
/// An exclusive claim on a folder by one process, held as a lock file (<c>run.lock</c>: pid, host, start time) created
/// with create-new semantics. A second claimant gets a <see cref="DirectoryLockedException"/> naming the holder. A lock
/// whose process is gone from this machine (killed, crashed; or its pid reused by a process started later) is stale: it is
/// taken over and <c>onStaleLock</c> is told whose it was. A lock from another host is never judged stale (its process
/// cannot be seen from here). Disposing deletes the lock file if it is still this lock's.
/// </summary>
public sealed class DirectoryLock : IDisposable
{
    /// <summary>The default lock file name.</summary>
    public const string DefaultFileName = "run.lock";

    /// <summary>How old an unreadable (half-created) lock file must be before it counts as stale.</summary>
    private static readonly TimeSpan UnreadableGrace = TimeSpan.FromSeconds(10);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };
    private bool _released;

    private DirectoryLock(string path, DirectoryLockOwner owner)
    {
        Path = path;
        Owner = owner;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>This process's claim, as written in the lock file.</summary>
    public DirectoryLockOwner Owner { get; }

    /// <summary>Locks <paramref name="directory"/> (created when missing) for this process.</summary>
    /// <param name="directory">The folder to lock.</param>
    /// <param name="fileName">The lock file's name inside it.</param>
    /// <param name="onStaleLock">Told about a stale lock that was taken over (its owner; <see langword="null"/> when the file was unreadable).</param>
    /// <exception cref="DirectoryLockedException">Another live process (or one on another host) holds the lock.</exception>
    public static DirectoryLock Acquire(string directory, string fileName = DefaultFileName, Action<DirectoryLockOwner?>? onStaleLock = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        Directory.CreateDirectory(directory);
        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(directory, fileName));
        for (var attempt = 0; ; attempt++)
        {
            var owner = new DirectoryLockOwner(Environment.ProcessId, Environment.MachineName, DateTimeOffset.UtcNow);
            if (TryCreate(path, owner)) return new DirectoryLock(path, owner);
            var (holder, text) = ReadOwner(path);
            if (text is null) continue; // released between our attempt and the read: try again
            if (holder is not null && !IsStale(holder))
            {
                throw new DirectoryLockedException(path, holder,
                    $"{System.IO.Path.GetFullPath(directory)} is in use by {holder} (lock file {path}); wait for it to finish or stop it"
                    + (holder.Host == Environment.MachineName ? "" : $", or delete the lock file if no process on {holder.Host} uses it any more"));
            }
            if (holder is null && DateTime.UtcNow - File.GetLastWriteTimeUtc(path) < UnreadableGrace && attempt < 50)
            {
                Thread.Sleep(100); // being written by a claimant that has just created it
                continue;
            }
            if (attempt >= 50)
            {
                throw new IOException($"cannot lock {System.IO.Path.GetFullPath(directory)}: {path} keeps changing");
            }
            // Stale: remove it only if it still holds what we judged, then claim it like anyone else.
            if (ReadOwner(path).Text == text)
            {
                File.Delete(path);
                onStaleLock?.Invoke(holder);
            }
        }
    }

    private static (DirectoryLockOwner? Owner, string? Text) ReadOwner(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return (null, null);
        }
        try
        {
            var owner = JsonSerializer.Deserialize<DirectoryLockOwner>(text, Json);
            return (owner is { Host: not null } ? owner : null, text);
        }
        catch (JsonException)
        {
            return (null, text);
        }
    }

    private static bool IsStale(DirectoryLockOwner holder)
    {
        if (holder.Host != Environment.MachineName) return false;
        if (!ProcessLiveness.IsAlive(holder.Pid)) return true;
        // A live process that started after the lock was taken is not its owner: the pid was reused.
        return ProcessLiveness.StartTime(holder.Pid) is { } started && started > holder.Started + TimeSpan.FromSeconds(2);
    }

    private static bool TryCreate(string path, DirectoryLockOwner owner)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
        using (stream)
        {
            JsonSerializer.Serialize(stream, owner, Json);
            stream.Flush(flushToDisk: true);
        }
        return true;
    }

    /// <summary>Releases the lock: deletes the lock file if it still records this lock.</summary>
    public void Dispose()
    {
        if (_released) return;
        _released = true;
        try
        {
            if (ReadOwner(Path).Owner == Owner) File.Delete(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a lock file left behind is stale once this process is gone
        }
    }
}
