namespace Trm.Torch.Native;

/// <summary>Owns one native c10d process group and its store (<see cref="Distributed.ProcessGroup"/>); frees it with <c>trm_pg_free</c> on dispose or finalization.</summary>
internal sealed class ProcessGroupHandle : NativeHandle
{
    protected override bool ReleaseHandle()
    {
        NativeMethods.trm_pg_free(handle);
        return true;
    }
}
