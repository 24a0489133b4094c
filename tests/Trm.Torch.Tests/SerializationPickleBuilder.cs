using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Trm.Torch.Tests;

/// <summary>Writes pickle opcodes by hand (protocol 2 as torch.save emits it, plus the others the reader accepts) for crafted test files.</summary>
internal sealed class SerializationPickleBuilder
{
    private readonly MemoryStream _s = new();

    public SerializationPickleBuilder Op(char op) => Byte((byte)op);

    public SerializationPickleBuilder Byte(byte b)
    {
        _s.WriteByte(b);
        return this;
    }

    public SerializationPickleBuilder Raw(byte[] bytes)
    {
        _s.Write(bytes);
        return this;
    }

    public SerializationPickleBuilder Proto(byte version = 2) => Byte(0x80).Byte(version);

    public SerializationPickleBuilder Global(string module, string name) => Op('c').Raw(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));

    public SerializationPickleBuilder Str(string s)
    {
        byte[] b = Encoding.UTF8.GetBytes(s);
        Op('X');
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)b.Length);
        _s.Write(len);
        return Raw(b);
    }

    public SerializationPickleBuilder Int(long v)
    {
        if (v is >= 0 and < 256) return Op('K').Byte((byte)v);
        if (v is >= int.MinValue and <= int.MaxValue)
        {
            Op('J');
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, (int)v);
            _s.Write(b);
            return this;
        }
        Byte(0x8a).Byte(8);
        Span<byte> l = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(l, v);
        _s.Write(l);
        return this;
    }

    public SerializationPickleBuilder Put(byte key) => Op('q').Byte(key);

    public SerializationPickleBuilder Get(byte key) => Op('h').Byte(key);

    public SerializationPickleBuilder LongGet(uint key) => OpUInt32('j', key);

    public SerializationPickleBuilder LongPut(uint key) => OpUInt32('r', key);

    private SerializationPickleBuilder OpUInt32(char op, uint value)
    {
        Op(op);
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        _s.Write(b);
        return this;
    }

    /// <summary>A float32 tensor through torch._utils._rebuild_tensor_v2 as torch.save writes it (storage persistent id, offset, size, stride, False, OrderedDict()).</summary>
    public SerializationPickleBuilder Tensor(string storageKey, long numel, long offset, long[] size, long[] stride, string storage = "FloatStorage")
    {
        Global("torch._utils", "_rebuild_tensor_v2");
        Op('(');
        Op('(').Str("storage").Global("torch", storage).Str(storageKey).Str("cpu").Int(numel).Op('t').Op('Q');
        Int(offset);
        Op('(');
        foreach (long d in size) Int(d);
        Op('t');
        Op('(');
        foreach (long d in stride) Int(d);
        Op('t');
        Byte(0x89); // False
        Global("collections", "OrderedDict").Op(')').Op('R');
        Op('t').Op('R');
        return this;
    }

    public byte[] ToArray() => _s.ToArray();

    /// <summary>Writes a torch.save zip: archive/data.pkl, archive/version and the given storages under archive/data/.</summary>
    public static void WriteArchive(string path, byte[] pickle, params (string Key, byte[] Bytes)[] storages)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        void Add(string name, byte[] bytes)
        {
            var e = zip.CreateEntry(name, CompressionLevel.NoCompression);
            using var s = e.Open();
            s.Write(bytes);
        }
        Add("archive/data.pkl", pickle);
        foreach (var (key, bytes) in storages) Add($"archive/data/{key}", bytes);
        Add("archive/version", Encoding.ASCII.GetBytes("3\n"));
    }

    public static byte[] Floats(params float[] values)
    {
        var b = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4 * i), values[i]);
        return b;
    }
}
