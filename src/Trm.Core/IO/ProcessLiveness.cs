namespace Trm.Core.IO;

/// <summary>Whether a process recorded in a temporary name or a lock file still runs on this machine.</summary>
internal static class ProcessLiveness
{
    /// <summary>Whether process <paramref name="pid"/> exists on this machine.</summary>
    public static bool IsAlive(int pid)
    {
        if (pid <= 0) return false;
        if (OperatingSystem.IsLinux()) return Directory.Exists($"/proc/{pid}");
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>When process <paramref name="pid"/> started (UTC), or <see langword="null"/> when it is gone or cannot be asked.</summary>
    public static DateTimeOffset? StartTime(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return p.StartTime.ToUniversalTime();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null;
        }
    }
}
