using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Trm.Cli.Distributed;

/// <summary>
/// <c>trm train --nproc-per-node N</c>: starts this node's N workers as child processes of the same <c>trm</c> with
/// torchrun's variables (<c>OMP_NUM_THREADS=1</c> unless set, as torchrun does; <c>RANK</c> = node_rank·N + local_rank, <c>LOCAL_RANK</c>, <c>WORLD_SIZE</c> = nnodes·N,
/// <c>LOCAL_WORLD_SIZE</c>, <c>MASTER_ADDR</c>, <c>MASTER_PORT</c>), prefixes their output with their rank, and waits. When a
/// worker fails the others get <see cref="FailureTimeout"/> to end on their own (a c10d collective with a dead peer fails),
/// then are killed; the launcher reports the first failing rank with its last error line and exits non-zero.
/// </summary>
internal sealed class WorkerLauncher
{
    /// <summary>Workers on this node.</summary>
    public required int ProcessesPerNode { get; init; }

    /// <summary>Number of nodes.</summary>
    public int Nodes { get; init; } = 1;

    /// <summary>This node's index.</summary>
    public int NodeRank { get; init; }

    /// <summary>Rank 0's host.</summary>
    public string MasterAddr { get; init; } = "127.0.0.1";

    /// <summary>Rank 0's store port; null picks a free one on a single node, torchrun's 29500 on several.</summary>
    public int? MasterPort { get; init; }

    /// <summary>How long the other workers may take to end after one failed before they are killed.</summary>
    public TimeSpan FailureTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Starts the workers with <paramref name="workerArguments"/> (the <c>trm</c> arguments) and waits for them.</summary>
    /// <returns>0 when every worker succeeded, else the first failing worker's exit code (1 when it was 0-like).</returns>
    public int Run(IReadOnlyList<string> workerArguments, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (ProcessesPerNode < 1) throw new ArgumentOutOfRangeException(nameof(ProcessesPerNode), ProcessesPerNode, "must be at least 1");
        if (NodeRank < 0 || NodeRank >= Nodes) throw new ArgumentOutOfRangeException(nameof(NodeRank), NodeRank, $"must be in [0, {Nodes})");
        int port = MasterPort ?? (Nodes == 1 ? FreePort() : DistributedEnvironment.DefaultPort);
        int world = Nodes * ProcessesPerNode;
        var (program, prefix) = SelfCommand();
        var workers = new Worker[ProcessesPerNode];
        for (int local = 0; local < ProcessesPerNode; local++)
        {
            int rank = NodeRank * ProcessesPerNode + local;
            var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in prefix.Concat(workerArguments)) psi.ArgumentList.Add(a);
            psi.Environment["RANK"] = rank.ToString(CultureInfo.InvariantCulture);
            psi.Environment["LOCAL_RANK"] = local.ToString(CultureInfo.InvariantCulture);
            psi.Environment["WORLD_SIZE"] = world.ToString(CultureInfo.InvariantCulture);
            psi.Environment["LOCAL_WORLD_SIZE"] = ProcessesPerNode.ToString(CultureInfo.InvariantCulture);
            psi.Environment["MASTER_ADDR"] = MasterAddr;
            psi.Environment["MASTER_PORT"] = port.ToString(CultureInfo.InvariantCulture);
            // torchrun's default: one intra-op thread per worker unless the user chose, so N workers do not oversubscribe the cores.
            if (ProcessesPerNode > 1 && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OMP_NUM_THREADS"))) psi.Environment["OMP_NUM_THREADS"] = "1";
            workers[local] = new Worker(rank, Process.Start(psi) ?? throw new InvalidOperationException($"could not start rank {rank}"), output, error);
        }
        output.WriteLine($"launched ranks {NodeRank * ProcessesPerNode}..{NodeRank * ProcessesPerNode + ProcessesPerNode - 1} of {world} (store {MasterAddr}:{port})");

        Worker? failed = null;
        DateTime? killAt = null;
        while (workers.Any(w => !w.Process.HasExited))
        {
            if (cancellationToken.IsCancellationRequested && killAt is null) killAt = DateTime.UtcNow + FailureTimeout;
            failed ??= workers.Where(w => w.Process.HasExited && w.Process.ExitCode != 0).MinBy(w => w.Process.ExitTime);
            if (failed is not null && killAt is null) killAt = DateTime.UtcNow + FailureTimeout;
            if (killAt is { } k && DateTime.UtcNow >= k)
            {
                foreach (var w in workers.Where(w => !w.Process.HasExited))
                {
                    error.WriteLine($"rank {w.Rank}: still running {FailureTimeout.TotalSeconds:F0} s after the failure; killing it");
                    w.Process.Kill(entireProcessTree: true);
                }
            }
            Thread.Sleep(100);
        }
        foreach (var w in workers) w.Process.WaitForExit(); // drains the output readers
        failed ??= workers.Where(w => w.Process.ExitCode != 0).MinBy(w => w.Process.ExitTime);
        int code = failed?.Process.ExitCode ?? 0;
        foreach (var w in workers) w.Process.Dispose();
        if (failed is null) return 0;
        error.WriteLine($"rank {failed.Rank} failed with exit code {code}{(code >= 128 ? $" (signal {code - 128})" : "")}: {failed.LastError ?? "no error output"}");
        return code is > 0 and < 256 ? code : 1;
    }

    /// <summary>The command that runs this same <c>trm</c>: the apphost, or <c>dotnet trm.dll</c>.</summary>
    private static (string Program, string[] Prefix) SelfCommand()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this process's executable");
        var name = Path.GetFileNameWithoutExtension(process);
        if (name == "dotnet")
        {
            var entry = Assembly.GetEntryAssembly()?.Location;
            if (string.IsNullOrEmpty(entry) || Path.GetFileNameWithoutExtension(entry) != "trm")
                entry = Path.Combine(AppContext.BaseDirectory, "trm.dll");
            return (process, [entry]);
        }
        return (process, []);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>One child with its output forwarded line by line under a rank prefix.</summary>
    private sealed class Worker
    {
        private readonly object _lock = new();
        private string? _lastError;

        public Worker(int rank, Process process, TextWriter output, TextWriter error)
        {
            Rank = rank;
            Process = process;
            process.OutputDataReceived += (_, e) => { if (e.Data is { } line) Write(output, line); };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not { } line) return;
                var trimmed = line.Trim();
                if (trimmed.Length > 0 && !trimmed.StartsWith("at ", StringComparison.Ordinal) && !trimmed.StartsWith("---", StringComparison.Ordinal))
                {
                    lock (_lock) _lastError = trimmed;
                }
                Write(error, line);
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public int Rank { get; }

        public Process Process { get; }

        public string? LastError
        {
            get { lock (_lock) return _lastError; }
        }

        private void Write(TextWriter writer, string line)
        {
            lock (writer) writer.WriteLine($"[rank {Rank}] {line}");
        }
    }
}
