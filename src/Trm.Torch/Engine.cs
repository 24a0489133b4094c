using System.Runtime.InteropServices;
using Trm.Torch.Native;
using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch;

/// <summary>Global engine state: seeds, grad and inference modes, dispose scopes, thread counts and the libtorch version.</summary>
public static class Engine
{
    /// <summary>Seeds the global CPU (and CUDA) generators.</summary>
    public static void ManualSeed(long seed) => Check(trm_manual_seed(seed), "manual_seed");

    /// <summary>Disables gradient recording on this thread until the result is disposed.</summary>
    public static IDisposable NoGrad() => new GradModeScope(false);

    /// <summary>Enables gradient recording on this thread until the result is disposed.</summary>
    public static IDisposable EnableGrad() => new GradModeScope(true);

    /// <summary>libtorch inference mode on this thread (no autograd bookkeeping at all) until disposed.</summary>
    public static IDisposable InferenceMode() => new InferenceModeScope();

    /// <summary>Whether gradients are recorded on this thread.</summary>
    public static bool IsGradEnabled => trm_is_grad_enabled() != 0;

    /// <summary>Whether inference mode is on for this thread.</summary>
    public static bool IsInferenceMode => trm_is_inference_mode() != 0;

    /// <summary>Opens a dispose scope that becomes current for this async flow.</summary>
    public static DisposeScope NewDisposeScope() => new();

    /// <summary>Native tensor handles not yet released (all threads; diagnostics and leak tests).</summary>
    public static long LiveTensorCount => TensorHandle.Live;

    /// <summary>
    /// Sets libtorch's intra-op thread count, and OpenBLAS's thread count to the same value when OpenBLAS is the BLAS in
    /// use (libtorch alone leaves OpenBLAS's separate pool at the machine's core count).
    /// </summary>
    public static void SetNumThreads(int threads) => Check(trm_set_num_threads(threads), "set_num_threads");

    /// <summary>libtorch's intra-op thread count.</summary>
    public static int NumThreads => Check(trm_get_num_threads(), "get_num_threads");

    /// <summary>OpenBLAS's thread count, or 0 when the loaded BLAS is not OpenBLAS (diagnostics).</summary>
    internal static int NumBlasThreads => trm_get_num_blas_threads();

    /// <summary>The libtorch version the shim was built against (e.g. "1.13.0").</summary>
    public static string Version => Marshal.PtrToStringUTF8(trm_torch_version()) ?? "unknown";
}
