namespace Trm.Torch.Native;

/// <summary>
/// Owns one native c10::InferenceMode guard. The guard restores the grad and dispatch state of the thread that entered it,
/// so it is released only on that thread (by <see cref="InferenceModeScope.Dispose"/>); a guard reaching the finalizer
/// (a scope never disposed) is leaked rather than released on the finalizer thread, whose state it would overwrite.
/// </summary>
internal sealed class InferenceModeGuardHandle : NativeHandle
{
    private readonly int _threadId = Environment.CurrentManagedThreadId;

    protected override bool ReleaseHandle()
    {
        if (Environment.CurrentManagedThreadId != _threadId) return true; // not this thread's guard to restore: leak it
        NativeMethods.trm_inference_mode_exit(handle);
        return true;
    }
}
