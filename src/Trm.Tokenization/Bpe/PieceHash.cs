using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Trm.Tokenization.Bpe;

/// <summary>A fast, non-cryptographic 32-bit hash of a piece of text (8 bytes per step), shared by the token and cache tables.</summary>
internal static class PieceHash
{
    private const ulong Multiplier = 0xFF51AFD7ED558CCDUL;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Compute(ReadOnlySpan<char> text)
    {
        ref byte p = ref Unsafe.As<char, byte>(ref MemoryMarshal.GetReference(text));
        int n = text.Length * 2;
        ulong h = 0x9E3779B97F4A7C15UL ^ (ulong)n;
        while (n >= 8)
        {
            h = (h ^ Unsafe.ReadUnaligned<ulong>(ref p)) * Multiplier;
            h ^= h >> 32;
            p = ref Unsafe.Add(ref p, 8);
            n -= 8;
        }
        if (n >= 4)
        {
            h = (h ^ Unsafe.ReadUnaligned<uint>(ref p)) * Multiplier;
            h ^= h >> 32;
            p = ref Unsafe.Add(ref p, 4);
            n -= 4;
        }
        if (n >= 2)
        {
            h = (h ^ Unsafe.ReadUnaligned<ushort>(ref p)) * Multiplier;
        }
        h ^= h >> 29;
        h *= 0xC4CEB9FE1A85EC53UL;
        h ^= h >> 32;
        return (uint)h;
    }
}
