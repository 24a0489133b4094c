using Trm.Torch.Native;
using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch;

/// <summary>A seeded CPU random-number generator (Philox/MT state as in PyTorch) whose state can be saved and restored exactly.</summary>
public sealed class Generator : IDisposable
{
    private readonly GeneratorHandle _handle;

    /// <summary>Creates a generator with the given seed.</summary>
    public Generator(long seed)
    {
        _handle = trm_generator_new(seed);
        if (_handle.IsInvalid) throw TakeError("generator");
    }

    private GeneratorHandle Handle => !_handle.IsClosed ? _handle : throw new ObjectDisposedException(nameof(Generator));

    /// <summary>The native pointer, for calls that take an optional generator (keep the generator alive across the call).</summary>
    internal IntPtr RawHandle => Handle.DangerousGetHandle();

    /// <summary>The seed the generator was created or last reseeded with.</summary>
    public unsafe long Seed
    {
        get
        {
            long s;
            Check(trm_generator_seed(Handle, &s), "generator.seed");
            return s;
        }
    }

    /// <summary>The full state as a uint8 tensor (to save with a checkpoint).</summary>
    public Tensor GetState() => Tensor.New(trm_generator_get_state(Handle), "generator.get_state");

    /// <summary>Restores a state returned by <see cref="GetState"/>.</summary>
    public void SetState(Tensor state) => Check(trm_generator_set_state(Handle, state.Handle), "generator.set_state");

    /// <summary>Frees the generator.</summary>
    public void Dispose() => _handle.Dispose();
}
