namespace Trm.Torch.Native;

/// <summary>Raw handle arrays for calls that take lists of tensors (each access checks that the tensor is alive).</summary>
internal static class Handles
{
    internal static IntPtr[] Of(IReadOnlyList<Tensor> tensors)
    {
        var h = new IntPtr[tensors.Count];
        for (int i = 0; i < h.Length; i++) h[i] = tensors[i].RawHandle;
        return h;
    }
}
