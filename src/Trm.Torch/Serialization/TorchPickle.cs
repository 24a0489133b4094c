using System.Buffers.Binary;
using System.Text;

namespace Trm.Torch.Serialization;

/// <summary>
/// A restricted reader of the pickle stream inside torch.save files (protocol 2, as torch.save writes): dicts (plain and
/// OrderedDict), lists, tuples, scalars, strings, persistent storage ids and the torch._utils tensor rebuild calls.
/// Anything else (custom classes) raises <see cref="NotSupportedException"/>.
/// </summary>
internal sealed class TorchPickle
{
    /// <summary>A storage record: the zip entry "data/{Key}" holding Numel elements of DType.</summary>
    internal sealed record StorageRef(DType DType, string Key, string Location, long Numel);

    /// <summary>A tensor to rebuild as a strided view of a storage.</summary>
    internal sealed record TensorRef(StorageRef Storage, long Offset, long[] Size, long[] Stride);

    /// <summary>A module-level name (GLOBAL opcode).</summary>
    internal sealed record GlobalRef(string Module, string Name);

    /// <summary>An ordered dictionary.</summary>
    internal sealed class PickleDict : List<KeyValuePair<object?, object?>>;

    private sealed class Mark;

    private static readonly Mark MarkObj = new();

    private readonly byte[] _data;
    private int _pos;
    private readonly List<object?> _stack = new();
    private readonly Dictionary<long, object?> _memo = new();
    private readonly string _source;

    private TorchPickle(byte[] data, string source)
    {
        _data = data;
        _source = source;
    }

    internal static object? Load(byte[] data, string source) => new TorchPickle(data, source).Run();

    private NotSupportedException Unsupported(string what) => new($"{_source}: unsupported pickle content at byte {_pos}: {what}");

    private object? Pop()
    {
        if (_stack.Count == 0) throw new InvalidDataException($"{_source}: pickle stack underflow at byte {_pos}");
        object? o = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return o;
    }

    private List<object?> PopToMark()
    {
        int i = _stack.FindLastIndex(o => ReferenceEquals(o, MarkObj));
        if (i < 0) throw new InvalidDataException($"{_source}: pickle MARK not found at byte {_pos}");
        var items = _stack.GetRange(i + 1, _stack.Count - i - 1);
        _stack.RemoveRange(i, _stack.Count - i);
        return items;
    }

    private ReadOnlySpan<byte> Take(int n)
    {
        if (_pos + n > _data.Length) throw new InvalidDataException($"{_source}: pickle stream truncated at byte {_pos}");
        var s = _data.AsSpan(_pos, n);
        _pos += n;
        return s;
    }

    private string Line()
    {
        int end = Array.IndexOf(_data, (byte)'\n', _pos);
        if (end < 0) throw new InvalidDataException($"{_source}: unterminated GLOBAL at byte {_pos}");
        string s = Encoding.UTF8.GetString(_data, _pos, end - _pos);
        _pos = end + 1;
        return s;
    }

    private object? Run()
    {
        while (true)
        {
            byte op = Take(1)[0];
            switch (op)
            {
                case 0x80: Take(1); break; // PROTO
                case 0x95: Take(8); break; // FRAME
                case (byte)'.': return Pop(); // STOP
                case (byte)'(': _stack.Add(MarkObj); break;
                case (byte)'}': _stack.Add(new PickleDict()); break;
                case (byte)']': _stack.Add(new List<object?>()); break;
                case (byte)')': _stack.Add(Array.Empty<object?>()); break;
                case (byte)'N': _stack.Add(null); break;
                case 0x88: _stack.Add(true); break;
                case 0x89: _stack.Add(false); break;
                case (byte)'J': _stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break;
                case (byte)'K': _stack.Add((long)Take(1)[0]); break;
                case (byte)'M': _stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break;
                case 0x8a: _stack.Add(ReadLong(Take(1)[0])); break; // LONG1
                case 0x8b: _stack.Add(ReadLong(checked((int)BinaryPrimitives.ReadUInt32LittleEndian(Take(4))))); break; // LONG4
                case (byte)'G': _stack.Add(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break;
                case (byte)'X': _stack.Add(Encoding.UTF8.GetString(Take(checked((int)BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))))); break;
                case 0x8c: _stack.Add(Encoding.UTF8.GetString(Take(Take(1)[0]))); break; // SHORT_BINUNICODE
                case (byte)'U': _stack.Add(Encoding.Latin1.GetString(Take(Take(1)[0]))); break; // SHORT_BINSTRING
                case (byte)'T': _stack.Add(Encoding.Latin1.GetString(Take(checked((int)BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))))); break;
                case (byte)'C': _stack.Add(Take(Take(1)[0]).ToArray()); break; // SHORT_BINBYTES
                case (byte)'B': _stack.Add(Take(checked((int)BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))).ToArray()); break;
                case (byte)'t': _stack.Add(PopToMark().ToArray()); break;
                case 0x85: _stack.Add(new[] { Pop() }); break;
                case 0x86: { var b = Pop(); var a = Pop(); _stack.Add(new[] { a, b }); break; }
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); _stack.Add(new[] { a, b, c }); break; }
                case (byte)'q': _memo[Take(1)[0]] = _stack[^1]; break;
                case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))] = _stack[^1]; break;
                case 0x94: _memo[_memo.Count] = _stack[^1]; break; // MEMOIZE
                case (byte)'h': _stack.Add(Memo(Take(1)[0])); break;
                case (byte)'j': _stack.Add(Memo(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break;
                case (byte)'0': Pop(); break;
                case (byte)'1': PopToMark(); break;
                case (byte)'2': _stack.Add(_stack[^1]); break;
                case (byte)'c': { string module = Line(); string name = Line(); _stack.Add(new GlobalRef(module, name)); break; }
                case (byte)'s': { var v = Pop(); var k = Pop(); AsDict(_stack[^1]).Add(new(k, v)); break; }
                case (byte)'u':
                {
                    var items = PopToMark();
                    var d = AsDict(_stack[^1]);
                    for (int i = 0; i + 1 < items.Count; i += 2) d.Add(new(items[i], items[i + 1]));
                    break;
                }
                case (byte)'a': { var v = Pop(); AsList(_stack[^1]).Add(v); break; }
                case (byte)'e': { var items = PopToMark(); AsList(_stack[^1]).AddRange(items); break; }
                case (byte)'Q': _stack.Add(PersistentLoad(Pop())); break;
                case (byte)'R': { var args = Pop() as object?[] ?? throw Unsupported("REDUCE without an argument tuple"); var f = Pop(); _stack.Add(Reduce(f, args)); break; }
                case 0x81: { var args = Pop() as object?[] ?? throw Unsupported("NEWOBJ without an argument tuple"); var cls = Pop(); _stack.Add(Reduce(cls, args)); break; }
                case (byte)'b': Pop(); break; // BUILD: state of an OrderedDict (e.g. state_dict._metadata) or a parameter; not needed
                default: throw Unsupported($"opcode 0x{op:x2}");
            }
        }
    }

    private object? Memo(long key) =>
        _memo.TryGetValue(key, out object? v) ? v : throw new InvalidDataException($"{_source}: pickle memo {key} undefined at byte {_pos}");

    private PickleDict AsDict(object? o) => o as PickleDict ?? throw Unsupported($"SETITEM(S) on {o?.GetType().Name ?? "None"}");

    private List<object?> AsList(object? o) => o as List<object?> ?? throw Unsupported($"APPEND(S) on {o?.GetType().Name ?? "None"}");

    private static long ReadLong(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0) return 0;
        if (bytes.Length > 8) throw new OverflowException("pickled integer wider than 64 bits");
        long v = 0;
        for (int i = bytes.Length - 1; i >= 0; i--) v = (v << 8) | bytes[i];
        int shift = 64 - 8 * bytes.Length;
        return shift == 0 ? v : (v << shift) >> shift; // sign-extend
    }

    private long ReadLong(int n) => ReadLong(Take(n));

    private object PersistentLoad(object? pid)
    {
        if (pid is not object?[] { Length: >= 5 } t || t[0] as string != "storage" || t[1] is not GlobalRef cls)
            throw Unsupported("persistent id that is not a storage record");
        DType dtype = cls.Name switch
        {
            "FloatStorage" => DType.Float32,
            "DoubleStorage" => DType.Float64,
            "HalfStorage" => DType.Float16,
            "BFloat16Storage" => DType.BFloat16,
            "LongStorage" => DType.Int64,
            "IntStorage" => DType.Int32,
            "ByteStorage" or "UntypedStorage" => DType.UInt8,
            "BoolStorage" => DType.Bool,
            _ => throw Unsupported($"storage type {cls.Module}.{cls.Name}"),
        };
        return new StorageRef(dtype, Convert.ToString(t[2], System.Globalization.CultureInfo.InvariantCulture)!, t[3] as string ?? "cpu", Convert.ToInt64(t[4]));
    }

    private object? Reduce(object? callable, object?[] args)
    {
        if (callable is not GlobalRef g) throw Unsupported("call of a non-global");
        switch (g.Module, g.Name)
        {
            case ("collections", "OrderedDict"):
            case ("builtins", "dict") or ("__builtin__", "dict"):
                return new PickleDict();
            case ("torch._utils", "_rebuild_tensor_v2"):
            case ("torch._utils", "_rebuild_tensor"):
                if (args.Length < 4 || args[0] is not StorageRef s) throw Unsupported("tensor rebuild without a storage");
                return new TensorRef(s, Convert.ToInt64(args[1]), Longs(args[2]), Longs(args[3]));
            case ("torch._utils", "_rebuild_parameter"):
            case ("torch._utils", "_rebuild_parameter_with_state"):
                return args.Length > 0 ? args[0] : throw Unsupported("parameter rebuild without data");
            default:
                throw Unsupported($"call of {g.Module}.{g.Name}");
        }
    }

    private long[] Longs(object? o) => o is object?[] t ? t.Select(Convert.ToInt64).ToArray() : throw Unsupported("size/stride that is not a tuple");
}
