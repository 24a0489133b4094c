using Trm.Torch;
using Trm.Torch.Distributed;

namespace Trm.Training.Distributed;

/// <summary>
/// The trainer's data-parallel collectives over one c10d <see cref="ProcessGroup"/> (Gloo for CPU tensors, NCCL for CUDA),
/// the way the TRM reference's <c>pretrain.py</c> uses <c>torch.distributed</c>: rank 0's weights are broadcast at start and on
/// resume; after backward the gradients are all-reduced with a sum (each rank's loss is already divided by the <em>global</em>
/// batch size, so the sum is the global-batch gradient), bucketed like PyTorch DDP — gradients are flattened with <c>cat</c>
/// into buckets of at most <see cref="BucketBytes"/> and each bucket takes one collective; the sparse puzzle-embedding
/// gradient is all-gathered (ids and rows) so that every rank applies the same sign-SGD step to the union; metric sums are
/// all-reduced. Model-agnostic (tensors in, tensors out) so that every trainer can use it. Not thread-safe.
/// </summary>
internal sealed class DataParallel
{
    /// <summary>PyTorch DDP's default bucket cap: 25 MiB.</summary>
    public const long DefaultBucketBytes = 25L * 1024 * 1024;

    public DataParallel(ProcessGroup group, long bucketBytes = DefaultBucketBytes)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bucketBytes);
        Group = group;
        BucketBytes = bucketBytes;
    }

    /// <summary>The process group.</summary>
    public ProcessGroup Group { get; }

    /// <summary>This rank.</summary>
    public int Rank => Group.Rank;

    /// <summary>Number of ranks.</summary>
    public int WorldSize => Group.WorldSize;

    /// <summary>Largest bucket of flattened gradients per all-reduce, in bytes.</summary>
    public long BucketBytes { get; }

    /// <summary>Number of gradient all-reduce collectives issued so far (one per bucket).</summary>
    public long Collectives { get; private set; }

    /// <summary>Seconds spent in gradient all-reduces so far.</summary>
    public double AllReduceSeconds { get; private set; }

    /// <summary>Copies rank 0's values into <paramref name="tensors"/> on every rank (weights, buffers, tables).</summary>
    public void Broadcast(IEnumerable<Tensor> tensors)
    {
        using var noGrad = Engine.NoGrad();
        foreach (var t in tensors) Group.Broadcast_(t, root: 0);
    }

    /// <summary>
    /// Sums the gradients of <paramref name="parameters"/> across ranks, in place: consecutive gradients of the same dtype are
    /// grouped into buckets of at most <see cref="BucketBytes"/> (a tensor larger than the cap gets a bucket of its own),
    /// each bucket is flattened with one <c>cat</c>, reduced with one collective and copied back. A parameter without a
    /// gradient contributes zeros (every rank must issue the same collectives).
    /// </summary>
    public void AllReduceGradients(IReadOnlyList<Tensor> parameters)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var noGrad = Engine.NoGrad();
        foreach (var bucket in Buckets(parameters))
        {
            using var scope = Engine.NewDisposeScope();
            var grads = bucket.Select(p => p.Grad ?? Tensors.ZerosLike(p)).ToArray();
            var flat = Tensors.Cat(grads.Select(g => g.Flatten()).ToArray());
            Group.AllReduce_(flat);
            Collectives++;
            long offset = 0;
            for (int i = 0; i < bucket.Count; i++)
            {
                if (bucket[i].Grad is { } g)
                {
                    g.CopyFrom_(flat.Narrow(0, offset, g.NumEl).View(g.Shape));
                }
                offset += grads[i].NumEl;
            }
        }
        AllReduceSeconds += System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>Groups parameters into buckets of one dtype and at most <see cref="BucketBytes"/> (in order).</summary>
    public List<List<Tensor>> Buckets(IReadOnlyList<Tensor> parameters)
    {
        var buckets = new List<List<Tensor>>();
        List<Tensor>? current = null;
        long bytes = 0;
        foreach (var p in parameters)
        {
            long size = p.NumEl * p.DType.ElementSize();
            if (current is null || current[0].DType != p.DType || bytes + size > BucketBytes)
            {
                current = [];
                buckets.Add(current);
                bytes = 0;
            }
            current.Add(p);
            bytes += size;
        }
        return buckets;
    }

    /// <summary>
    /// The rows of every rank in rank order, concatenated along dimension 0 (same shape on every rank): the all-gather of the
    /// reference's distributed sign-SGD, also used to assemble the global ACT carry for a checkpoint.
    /// </summary>
    public Tensor GatherRows(Tensor local)
    {
        // Gloo gathers numbers, not booleans: bool rows travel as bytes.
        using var sent = local.DType == DType.Bool ? local.To(DType.UInt8) : local.Contiguous();
        var parts = Group.AllGather(sent);
        try
        {
            if (local.DType != DType.Bool) return Tensors.Cat(parts);
            using var bytes = Tensors.Cat(parts);
            return bytes.To(DType.Bool);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }

    /// <summary>Sums <paramref name="values"/> across ranks (same length and order on every rank).</summary>
    public double[] SumAcrossRanks(double[] values)
    {
        using var t = Tensors.FromArray(values, values.Length);
        Group.AllReduce_(t);
        return t.ToArray<double>();
    }

    /// <summary>True on every rank when <paramref name="flag"/> is true on any rank.</summary>
    public bool Any(bool flag) => SumAcrossRanks([flag ? 1 : 0])[0] > 0;
}
