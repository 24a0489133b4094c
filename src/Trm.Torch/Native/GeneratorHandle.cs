namespace Trm.Torch.Native;

/// <summary>Owns one native at::Generator (<see cref="Generator"/>); frees it with <c>trm_generator_free</c> on dispose or finalization.</summary>
internal sealed class GeneratorHandle : NativeHandle
{
    protected override bool ReleaseHandle()
    {
        NativeMethods.trm_generator_free(handle);
        return true;
    }
}
