namespace Trm.Torch.Distributed;

/// <summary>Reductions of <see cref="ProcessGroup.AllReduce_(Tensor, ReduceOp)"/>.</summary>
public enum ReduceOp
{
    /// <summary>Elementwise sum over ranks.</summary>
    Sum = 0,
    /// <summary>Sum divided by the world size (gradient averaging).</summary>
    Average = 1,
    /// <summary>Elementwise maximum.</summary>
    Max = 2,
    /// <summary>Elementwise minimum.</summary>
    Min = 3,
    /// <summary>Elementwise product.</summary>
    Product = 4,
}
