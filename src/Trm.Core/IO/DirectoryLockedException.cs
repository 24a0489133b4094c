namespace Trm.Core.IO;

/// <summary>A folder is locked by another live process (<see cref="DirectoryLock.Acquire"/>); the message names it.</summary>
public sealed class DirectoryLockedException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="lockFile">The lock file.</param>
    /// <param name="owner">Its holder.</param>
    /// <param name="message">The message.</param>
    public DirectoryLockedException(string lockFile, DirectoryLockOwner owner, string message)
        : base(message)
    {
        LockFile = lockFile;
        Owner = owner;
    }

    /// <summary>The lock file.</summary>
    public string LockFile { get; }

    /// <summary>The process holding the lock.</summary>
    public DirectoryLockOwner Owner { get; }
}
