using System.Diagnostics;

namespace Trm.Core.IO;

/// <summary>
/// Fault injection for the reliability tests of atomic writes (dataset builds, checkpoints): when the environment variable <c>TRM_DATA_FAULT</c> is
/// <c>STAGE:kill</c>, <c>STAGE:throw</c> or <c>STAGE:enospc</c>, the build kills its own process with SIGKILL, throws, or
/// throws the I/O error of a full disk when it reaches STAGE. Unset (always, outside tests), it costs one variable read per stage.
/// </summary>
public static class BuildFaults
{
    /// <summary>The environment variable read at each stage.</summary>
    public const string Variable = "TRM_DATA_FAULT";

    /// <summary>Marks that a build reached <paramref name="stage"/>.</summary>
    public static void At(string stage)
    {
        var spec = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(spec)) return;
        var colon = spec.LastIndexOf(':');
        if (colon <= 0 || !spec.AsSpan(0, colon).Equals(stage, StringComparison.Ordinal)) return;
        switch (spec[(colon + 1)..])
        {
            case "kill":
                using (var self = Process.GetCurrentProcess()) self.Kill();
                Thread.Sleep(Timeout.Infinite); // SIGKILL is asynchronous: nothing after this line runs
                break;
            case "throw":
                throw new InvalidOperationException($"injected fault at stage '{stage}'");
            case "enospc":
                throw new IOException("No space left on device (injected)", unchecked((int)0x8007001C));
        }
    }
}
