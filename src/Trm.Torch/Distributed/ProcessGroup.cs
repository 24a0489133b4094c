using Trm.Torch.Native;
using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch.Distributed;

/// <summary>
/// A c10d process group — libtorch's own collective-communication layer, the one torchrun/DDP use — with the Gloo backend
/// (CPU tensors; CUDA tensors are staged) or NCCL (CUDA tensors, one device per rank). Every rank creates one with the same init method and world size; collectives
/// block until all ranks join. Not thread-safe: one caller at a time per group.
/// </summary>
public sealed unsafe class ProcessGroup : IDisposable
{
    private readonly ProcessGroupHandle _handle;

    private ProcessGroup(ProcessGroupHandle handle, int rank, int worldSize)
    {
        _handle = handle;
        Rank = rank;
        WorldSize = worldSize;
    }

    /// <summary>True when the shim was built with c10d/Gloo support.</summary>
    public static bool IsAvailable => trm_dist_available() != 0;

    /// <summary>True when the shim was built with NCCL (a CUDA libtorch with NCCL).</summary>
    public static bool IsNcclAvailable => trm_dist_nccl_available() != 0;

    /// <summary>This process's rank (0-based).</summary>
    public int Rank { get; }

    /// <summary>Number of ranks.</summary>
    public int WorldSize { get; }

    /// <summary>
    /// Joins a Gloo group. <paramref name="initMethod"/>: <c>file:///path</c> (a file all ranks can see; delete it between runs) or
    /// <c>tcp://host:port</c> (rank 0 serves the store). <paramref name="host"/>: the address Gloo binds to (null = the
    /// machine's hostname; "127.0.0.1" for single-machine runs).
    /// </summary>
    /// <exception cref="NotSupportedException">The shim was built without Gloo.</exception>
    /// <exception cref="TorchException">Rendezvous failed or timed out.</exception>
    public static ProcessGroup CreateGloo(string initMethod, int rank, int worldSize, string? host = null, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(initMethod);
        if (!IsAvailable) throw new NotSupportedException("trm_native was built without c10d/Gloo (install libgloo-dev and rebuild).");
        if (worldSize < 1 || rank < 0 || rank >= worldSize)
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"rank must be in [0, {worldSize})");
        long ms = (long)(timeout ?? TimeSpan.FromMinutes(5)).TotalMilliseconds;
        var h = trm_pg_new_gloo(initMethod, rank, worldSize, host ?? string.Empty, ms);
        if (h.IsInvalid) throw TakeError("process_group(gloo)");
        return new ProcessGroup(h, rank, worldSize);
    }

    /// <summary>Joins an NCCL group (CUDA tensors; use device cuda:<c>localRank</c> on each rank). Same init methods as <see cref="CreateGloo"/>.</summary>
    /// <exception cref="NotSupportedException">The shim was built without NCCL.</exception>
    public static ProcessGroup CreateNccl(string initMethod, int rank, int worldSize, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(initMethod);
        if (!IsNcclAvailable) throw new NotSupportedException("trm_native was built without NCCL (needs a CUDA libtorch with NCCL, see docs/gpu.md).");
        if (worldSize < 1 || rank < 0 || rank >= worldSize)
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"rank must be in [0, {worldSize})");
        long ms = (long)(timeout ?? TimeSpan.FromMinutes(10)).TotalMilliseconds;
        var h = trm_pg_new_nccl(initMethod, rank, worldSize, ms);
        if (h.IsInvalid) throw TakeError("process_group(nccl)");
        return new ProcessGroup(h, rank, worldSize);
    }

    /// <summary>
    /// Joins a group from torchrun's environment: RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT (tcp rendezvous).
    /// </summary>
    /// <exception cref="InvalidOperationException">A variable is missing or malformed (the message names it).</exception>
    /// <param name="nccl">Use NCCL (CUDA) instead of Gloo.</param>
    /// <param name="timeout">Rendezvous and collective timeout.</param>
    public static ProcessGroup FromEnvironment(bool nccl = false, TimeSpan? timeout = null)
    {
        static string Env(string name) =>
            Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : throw new InvalidOperationException($"environment variable {name} is not set");
        static int Int(string name) =>
            int.TryParse(Env(name), out int v) ? v : throw new InvalidOperationException($"environment variable {name} is not an integer");
        string addr = Env("MASTER_ADDR");
        if (nccl) return CreateNccl($"tcp://{addr}:{Int("MASTER_PORT")}", Int("RANK"), Int("WORLD_SIZE"), timeout);
        return CreateGloo($"tcp://{addr}:{Int("MASTER_PORT")}", Int("RANK"), Int("WORLD_SIZE"),
            addr is "127.0.0.1" or "localhost" ? "127.0.0.1" : null, timeout);
    }

    private ProcessGroupHandle Handle => !_handle.IsClosed ? _handle : throw new ObjectDisposedException(nameof(ProcessGroup));

    /// <summary>Reduces <paramref name="tensor"/> across ranks, in place on every rank.</summary>
    public void AllReduce_(Tensor tensor, ReduceOp op = ReduceOp.Sum) => AllReduce_([tensor], op);

    /// <summary>Reduces several tensors (same dtype and device, e.g. all gradients) in one collective, in place.</summary>
    public void AllReduce_(IReadOnlyList<Tensor> tensors, ReduceOp op = ReduceOp.Sum)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        IntPtr[] h = Handles.Of(tensors);
        fixed (IntPtr* p = h) Check(trm_pg_allreduce(Handle, p, h.Length, (int)op), "all_reduce");
        GC.KeepAlive(tensors);
    }

    /// <summary>Copies <paramref name="tensor"/> of rank <paramref name="root"/> into the same tensor on every rank.</summary>
    public void Broadcast_(Tensor tensor, int root = 0) => Check(trm_pg_broadcast(Handle, tensor.Handle, root), "broadcast");

    /// <summary>Blocks until every rank reaches the barrier.</summary>
    public void Barrier() => Check(trm_pg_barrier(Handle), "barrier");

    /// <summary>Every rank's <paramref name="tensor"/>, in rank order (same shape on all ranks).</summary>
    public Tensor[] AllGather(Tensor tensor)
    {
        var outputs = new IntPtr[WorldSize];
        fixed (IntPtr* p = outputs) Check(trm_pg_allgather(Handle, tensor.Handle, p), "all_gather");
        return outputs.Select(o => new Tensor(o)).ToArray();
    }

    /// <summary>Leaves the group (frees the native group and its store connection).</summary>
    public void Dispose() => _handle.Dispose();
}
