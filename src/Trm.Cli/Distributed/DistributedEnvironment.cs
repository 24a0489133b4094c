using System.Globalization;
using Trm.Torch.Cuda;
using Trm.Torch.Distributed;

namespace Trm.Cli.Distributed;

/// <summary>
/// A worker's place in a data-parallel run, read from the variables torchrun sets (<c>RANK</c>, <c>LOCAL_RANK</c>,
/// <c>WORLD_SIZE</c>, <c>LOCAL_WORLD_SIZE</c>, <c>MASTER_ADDR</c>, <c>MASTER_PORT</c>) — which <c>trm train --nproc-per-node</c>
/// sets too — or from Slurm's (<c>SLURM_PROCID</c>, <c>SLURM_LOCALID</c>, <c>SLURM_NTASKS</c>, <c>SLURM_NTASKS_PER_NODE</c>)
/// when torchrun's are absent; <c>MASTER_ADDR</c> (and <c>MASTER_PORT</c>, default 29500) name rank 0's store either way.
/// </summary>
/// <param name="Rank">Global rank.</param>
/// <param name="LocalRank">Rank on this node (the CUDA device index).</param>
/// <param name="WorldSize">Number of ranks.</param>
/// <param name="LocalWorldSize">Ranks on this node.</param>
/// <param name="MasterAddr">Host of rank 0's TCP store.</param>
/// <param name="MasterPort">Port of rank 0's TCP store.</param>
internal sealed record DistributedEnvironment(int Rank, int LocalRank, int WorldSize, int LocalWorldSize, string MasterAddr, int MasterPort)
{
    /// <summary>torchrun's default store port.</summary>
    public const int DefaultPort = 29500;

    /// <summary>The run's place from the environment, or null when no launcher set a world size above 1.</summary>
    /// <exception cref="InvalidOperationException">A variable is malformed or missing (the message names it).</exception>
    public static DistributedEnvironment? Read(Func<string, string?>? variables = null)
    {
        variables ??= Environment.GetEnvironmentVariable;
        string? Get(string name) => variables(name) is { Length: > 0 } v ? v : null;
        int? Int(string name) => Get(name) is not { } v ? null
            : int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i
            : throw new InvalidOperationException($"environment variable {name}='{v}' is not an integer");

        bool torchrun = Get("WORLD_SIZE") is not null;
        int worldSize = (torchrun ? Int("WORLD_SIZE") : Int("SLURM_NTASKS")) ?? 1;
        if (worldSize <= 1) return null;
        int rank = (torchrun ? Int("RANK") : Int("SLURM_PROCID")) ?? throw new InvalidOperationException(torchrun ? "environment variable RANK is not set" : "environment variable SLURM_PROCID is not set");
        int localRank = (torchrun ? Int("LOCAL_RANK") : Int("SLURM_LOCALID")) ?? 0;
        int localWorld = (torchrun ? Int("LOCAL_WORLD_SIZE") : SlurmTasksPerNode(Get("SLURM_NTASKS_PER_NODE"))) ?? 1;
        if (rank < 0 || rank >= worldSize) throw new InvalidOperationException($"rank {rank} is outside [0, {worldSize})");
        string addr = Get("MASTER_ADDR") ?? throw new InvalidOperationException("environment variable MASTER_ADDR is not set (rank 0's host)");
        int port = Int("MASTER_PORT") ?? DefaultPort;
        return new DistributedEnvironment(rank, localRank, worldSize, localWorld, addr, port);
    }

    // Slurm writes e.g. "4" or "4(x2)"; the first count is this node's.
    private static int? SlurmTasksPerNode(string? value) =>
        value is null ? null : int.TryParse(value.Split('(')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>True when this rank trains on CUDA (device cuda:<see cref="LocalRank"/>) with NCCL.</summary>
    public bool UsesCuda => CudaDevice.IsAvailable && ProcessGroup.IsNcclAvailable;

    /// <summary>Joins the group: NCCL when CUDA and NCCL are available, else Gloo (CPU tensors).</summary>
    /// <param name="timeout">Rendezvous and collective timeout: a rank that stops answering fails the others after it.</param>
    public ProcessGroup Join(TimeSpan timeout)
    {
        var init = $"tcp://{MasterAddr}:{MasterPort}";
        return UsesCuda
            ? ProcessGroup.CreateNccl(init, Rank, WorldSize, timeout)
            : ProcessGroup.CreateGloo(init, Rank, WorldSize, MasterAddr is "127.0.0.1" or "localhost" ? "127.0.0.1" : null, timeout);
    }
}
