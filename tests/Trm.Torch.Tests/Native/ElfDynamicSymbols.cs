using System.Buffers.Binary;
using System.Text;

namespace Trm.Torch.Tests.Native;

/// <summary>Reads the defined, default-visibility function symbols of an ELF64 little-endian shared library's <c>.dynsym</c>.</summary>
internal static class ElfDynamicSymbols
{
    private const uint ShtDynSym = 11;
    private const int SttFunc = 2;

    /// <summary>The exported function names of <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not an ELF64 little-endian object or has no .dynsym.</exception>
    internal static IReadOnlyList<string> ExportedFunctions(string path)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException($"{path} is not an ELF file");
        if (elf[4] != 2 || elf[5] != 1) throw new InvalidDataException($"{path} is not ELF64 little-endian");
        long shoff = (long)U64(elf, 0x28);
        int shentsize = U16(elf, 0x3A);
        int shnum = U16(elf, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (U32(elf, sh + 4) != ShtDynSym) continue;
            long symOffset = (long)U64(elf, sh + 0x18);
            long symSize = (long)U64(elf, sh + 0x20);
            long entSize = (long)U64(elf, sh + 0x38);
            long strtab = shoff + (long)U32(elf, sh + 0x28) * shentsize;
            long strOffset = (long)U64(elf, strtab + 0x18);
            var names = new List<string>();
            for (long s = symOffset; s + entSize <= symOffset + symSize; s += entSize)
            {
                byte info = elf[s + 4];
                byte other = elf[s + 5];
                int shndx = U16(elf, s + 6);
                if (shndx == 0 || (info & 0xf) != SttFunc || (other & 3) != 0) continue; // undefined, not a function, or hidden
                names.Add(CString(elf, strOffset + U32(elf, s)));
            }
            return names;
        }
        throw new InvalidDataException($"{path} has no .dynsym section");
    }

    private static int U16(byte[] b, long at) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan((int)at, 2));
    private static uint U32(byte[] b, long at) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan((int)at, 4));
    private static ulong U64(byte[] b, long at) => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan((int)at, 8));

    private static string CString(byte[] b, long at)
    {
        int end = Array.IndexOf(b, (byte)0, (int)at);
        return Encoding.ASCII.GetString(b, (int)at, end - (int)at);
    }
}
