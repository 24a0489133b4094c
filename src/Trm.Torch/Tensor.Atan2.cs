using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch;

public sealed unsafe partial class Tensor
{
    /// <summary>Elementwise <c>atan2(this, x)</c>: the angle of the point (x, this), in (−π, π].</summary>
    /// <param name="x">The denominator-side operand (broadcast).</param>
    public Tensor Atan2(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return New(trm_atan2(Handle, x.Handle), "atan2");
    }
}
