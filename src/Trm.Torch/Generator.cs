using Trm.Torch.Native;
using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch;

/// <summary>A seeded CPU random-number generator (Philox/MT state as in PyTorch) whose state can be saved and restored exactly.</summary>
public sealed class Generator : IDisposable
{
    private IntPtr _handle;

    /// <summary>Creates a generator with the given seed.</summary>
    public Generator(long seed)
    {
        _handle = Check(trm_generator_new(seed), "generator");
    }

    internal IntPtr RawHandle => _handle != IntPtr.Zero ? _handle : throw new ObjectDisposedException(nameof(Generator));

    /// <summary>The seed the generator was created or last reseeded with.</summary>
    public unsafe long Seed
    {
        get
        {
            long s;
            Check(trm_generator_seed(RawHandle, &s), "generator.seed");
            return s;
        }
    }

    /// <summary>The full state as a uint8 tensor (to save with a checkpoint).</summary>
    public Tensor GetState() => Tensor.New(trm_generator_get_state(RawHandle), "generator.get_state");

    /// <summary>Restores a state returned by <see cref="GetState"/>.</summary>
    public void SetState(Tensor state) => Check(trm_generator_set_state(RawHandle, state.Handle), "generator.set_state");

    /// <summary>Frees the generator.</summary>
    public void Dispose()
    {
        IntPtr h = Interlocked.Exchange(ref _handle, IntPtr.Zero);
        if (h != IntPtr.Zero) trm_generator_free(h);
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the native generator if it was not disposed.</summary>
    ~Generator()
    {
        IntPtr h = Interlocked.Exchange(ref _handle, IntPtr.Zero);
        if (h != IntPtr.Zero) trm_generator_free(h);
    }
}
