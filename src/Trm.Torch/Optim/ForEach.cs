using Trm.Torch.Native;
using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch.Optim;

/// <summary>In-place updates over lists of tensors in one native call, without autograd (e.g. an EMA of weights).</summary>
public static unsafe class ForEach
{
    private static void Pairwise(IReadOnlyList<Tensor> destination, IReadOnlyList<Tensor> source, Func<IntPtr[], IntPtr[], int> call)
    {
        if (destination.Count != source.Count)
            throw new ArgumentException($"lists differ in length ({destination.Count} vs {source.Count})", nameof(source));
        call(Handles.Of(destination), Handles.Of(source));
        GC.KeepAlive(destination);
        GC.KeepAlive(source);
    }

    /// <summary>destination[i] ← destination[i] + weight·(source[i] − destination[i]).</summary>
    public static void Lerp_(IReadOnlyList<Tensor> destination, IReadOnlyList<Tensor> source, double weight) =>
        Pairwise(destination, source, (d, s) =>
        {
            fixed (IntPtr* dp = d)
            fixed (IntPtr* sp = s)
                return Check(trm_foreach_lerp_(dp, sp, d.Length, weight), "foreach_lerp_");
        });

    /// <summary>destination[i] ← source[i].</summary>
    public static void Copy_(IReadOnlyList<Tensor> destination, IReadOnlyList<Tensor> source) =>
        Pairwise(destination, source, (d, s) =>
        {
            fixed (IntPtr* dp = d)
            fixed (IntPtr* sp = s)
                return Check(trm_foreach_copy_(dp, sp, d.Length), "foreach_copy_");
        });
}
