using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Trm.Torch.Serialization;

/// <summary>
/// A weights-only reader of the pickle stream inside torch.save files. It executes the opcodes of protocols 0–5 that
/// describe data (dicts, OrderedDicts, lists, tuples, sets, scalars, strings, bytes, memo references, persistent storage ids)
/// and calls only the globals a state dict needs (<see cref="AllowedGlobals"/>): anything else is refused by name, before it
/// is called. Nesting is bounded (<see cref="MaxDepth"/>) and every length is checked against the bytes actually present, so a
/// hostile stream gives an <see cref="InvalidDataException"/> naming the source and the byte offset of the offending opcode —
/// never a stack overflow, an allocation larger than the input, or a silently empty result.
/// </summary>
internal sealed class TorchPickle
{
    /// <summary>The deepest nesting of containers accepted (a real state dict nests 3–4 levels).</summary>
    internal const int MaxDepth = 200;

    /// <summary>A storage record: the zip entry "data/{Key}" holding Numel elements of DType.</summary>
    internal sealed record StorageRef(DType DType, string Key, string Location, long Numel);

    /// <summary>A tensor to rebuild as a strided view of a storage.</summary>
    internal sealed record TensorRef(StorageRef Storage, long Offset, long[] Size, long[] Stride);

    /// <summary>A module-level name (GLOBAL opcode) that passed the weights-only check.</summary>
    internal sealed record GlobalRef(string Module, string Name)
    {
        public override string ToString() => $"{Module}.{Name}";
    }

    /// <summary>A container whose nesting depth is tracked while it is built.</summary>
    internal abstract class Container
    {
        /// <summary>1 + the depth of the deepest container inside (0 for leaves).</summary>
        public int Depth { get; set; } = 1;
    }

    /// <summary>An ordered dictionary (dict and OrderedDict).</summary>
    internal sealed class PickleDict : Container
    {
        public List<KeyValuePair<object?, object?>> Items { get; } = new();
    }

    /// <summary>A list (or a set: order of insertion).</summary>
    internal sealed class PickleList : Container
    {
        public List<object?> Items { get; } = new();
    }

    /// <summary>A tuple.</summary>
    internal sealed class PickleTuple : Container
    {
        public PickleTuple(object?[] items)
        {
            Items = items;
        }

        public object?[] Items { get; }
    }

    /// <summary>The globals a weights-only load may reference (module, name); the storage classes are added below.</summary>
    internal static readonly IReadOnlySet<string> AllowedGlobals = new HashSet<string>(StringComparer.Ordinal)
    {
        "collections.OrderedDict",
        "torch._utils._rebuild_tensor",
        "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_parameter",
        "torch._utils._rebuild_parameter_with_state",
        "torch.Size",
        "torch.FloatStorage", "torch.DoubleStorage", "torch.HalfStorage", "torch.BFloat16Storage",
        "torch.LongStorage", "torch.IntStorage", "torch.ByteStorage", "torch.BoolStorage", "torch.UntypedStorage",
    };

    private sealed class Mark;

    private static readonly Mark MarkObj = new();

    private readonly byte[] _data;
    private readonly string _source;
    private readonly List<object?> _stack = new();
    private readonly Dictionary<long, object?> _memo = new();
    private int _pos;
    private int _opPos;
    private byte _op;

    private TorchPickle(byte[] data, string source)
    {
        _data = data;
        _source = source;
    }

    /// <summary>Runs the pickle program in <paramref name="data"/> and returns the value it builds.</summary>
    /// <param name="data">The pickle bytes.</param>
    /// <param name="source">Named in every error ("file.pt:archive/data.pkl").</param>
    /// <exception cref="InvalidDataException">The stream is malformed, truncated, too deeply nested, or names a global a weights-only load refuses.</exception>
    internal static object? Load(byte[] data, string source) => new TorchPickle(data, source).Run();

    private InvalidDataException Error(string what) =>
        new($"{_source}: invalid pickle at byte {_opPos} (opcode 0x{_op:x2}): {what}");

    private object? Run()
    {
        while (true)
        {
            _opPos = _pos;
            if (_pos >= _data.Length) throw Error("stream ends without a STOP opcode");
            _op = _data[_pos++];
            switch (_op)
            {
                case 0x80: Take(1); break; // PROTO
                case 0x95: Take(8); break; // FRAME: framing is only a read-ahead hint
                case (byte)'.': // STOP
                    {
                        object? result = Pop();
                        if (_stack.Count != 0) throw Error($"{_stack.Count} value(s) left on the stack at STOP");
                        return result;
                    }
                case (byte)'(': _stack.Add(MarkObj); break;
                case (byte)'}': Push(new PickleDict()); break;
                case (byte)']': Push(new PickleList()); break;
                case 0x8f: Push(new PickleList()); break; // EMPTY_SET
                case (byte)')': Push(new PickleTuple([])); break;
                case (byte)'N': Push(null); break;
                case 0x88: Push(true); break;
                case 0x89: Push(false); break;
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break; // BININT
                case (byte)'K': Push((long)Take(1)[0]); break; // BININT1
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break; // BININT2
                case 0x8a: Push(ReadLong(Take(Take(1)[0]))); break; // LONG1
                case 0x8b: Push(ReadLong(Take(Length32()))); break; // LONG4
                case (byte)'I': Push(ParseInt(Line())); break; // INT (text; "00"/"01" are False/True)
                case (byte)'L': Push(ParseInt(Line().TrimEnd('L'))); break; // LONG (text)
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break; // BINFLOAT
                case (byte)'F': Push(ParseFloat(Line())); break; // FLOAT (text)
                case (byte)'X': Push(Utf8(Take(Length32()))); break; // BINUNICODE
                case 0x8c: Push(Utf8(Take(Take(1)[0]))); break; // SHORT_BINUNICODE
                case 0x8d: Push(Utf8(Take(Length64()))); break; // BINUNICODE8
                case (byte)'V': Push(Line()); break; // UNICODE (raw-unicode-escape; ASCII in practice)
                case (byte)'U': Push(Encoding.Latin1.GetString(Take(Take(1)[0]))); break; // SHORT_BINSTRING
                case (byte)'T': Push(Encoding.Latin1.GetString(Take(Length32()))); break; // BINSTRING
                case (byte)'S': Push(Unquote(Line())); break; // STRING (text)
                case (byte)'C': Push(Take(Take(1)[0]).ToArray()); break; // SHORT_BINBYTES
                case (byte)'B': Push(Take(Length32()).ToArray()); break; // BINBYTES
                case 0x8e: Push(Take(Length64()).ToArray()); break; // BINBYTES8
                case 0x96: Push(Take(Length64()).ToArray()); break; // BYTEARRAY8
                case (byte)'t': Push(Tuple(PopToMark())); break; // TUPLE
                case 0x85: Push(Tuple([Pop()])); break; // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); Push(Tuple([a, b])); break; } // TUPLE2
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(Tuple([a, b, c])); break; } // TUPLE3
                case (byte)'l': { var list = new PickleList(); foreach (var item in PopToMark()) Add(list, item); Push(list); break; } // LIST
                case (byte)'d': { var dict = new PickleDict(); SetItems(dict, PopToMark()); Push(dict); break; } // DICT
                case 0x91: { var set = new PickleList(); foreach (var item in PopToMark()) Add(set, item); Push(set); break; } // FROZENSET
                case (byte)'p': Memoize(ParseMemoKey(Line())); break; // PUT
                case (byte)'q': Memoize(Take(1)[0]); break; // BINPUT
                case (byte)'r': Memoize(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))); break; // LONG_BINPUT
                case 0x94: Memoize(_memo.Count); break; // MEMOIZE
                case (byte)'g': Push(Memo(ParseMemoKey(Line()))); break; // GET
                case (byte)'h': Push(Memo(Take(1)[0])); break; // BINGET
                case (byte)'j': Push(Memo(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break; // LONG_BINGET
                case (byte)'0': Pop(); break; // POP
                case (byte)'1': PopToMark(); break; // POP_MARK
                case (byte)'2': Push(Peek()); break; // DUP
                case (byte)'c': { string module = Line(); string name = Line(); Push(Global(module, name)); break; } // GLOBAL
                case 0x93: { var name = Pop(); var module = Pop(); Push(Global(AsString(module, "module"), AsString(name, "name"))); break; } // STACK_GLOBAL
                case (byte)'s': { var v = Pop(); var k = Pop(); SetItems(AsDict(Peek()), [k, v]); break; } // SETITEM
                case (byte)'u': { var items = PopToMark(); SetItems(AsDict(Peek()), items); break; } // SETITEMS
                case (byte)'a': { var v = Pop(); Add(AsList(Peek(), "APPEND"), v); break; } // APPEND
                case (byte)'e': { var items = PopToMark(); var list = AsList(Peek(), "APPENDS"); foreach (var item in items) Add(list, item); break; } // APPENDS
                case 0x90: { var items = PopToMark(); var set = AsList(Peek(), "ADDITEMS"); foreach (var item in items) Add(set, item); break; } // ADDITEMS
                case (byte)'Q': Push(PersistentLoad(Pop())); break; // BINPERSID
                case (byte)'P': Push(PersistentLoad(Line())); break; // PERSID
                case (byte)'R': { var args = AsTuple(Pop(), "REDUCE"); var f = Pop(); Push(Reduce(f, args)); break; } // REDUCE
                case 0x81: { var args = AsTuple(Pop(), "NEWOBJ"); var cls = Pop(); Push(Reduce(cls, args)); break; } // NEWOBJ
                case 0x92: { Pop(); var args = AsTuple(Pop(), "NEWOBJ_EX"); var cls = Pop(); Push(Reduce(cls, args)); break; } // NEWOBJ_EX (kwargs ignored)
                case (byte)'b': Pop(); Peek(); break; // BUILD: the state of an OrderedDict (_metadata) or a parameter; not needed
                default: throw Error("unknown or unsupported opcode");
            }
        }
    }

    private void Push(object? value) => _stack.Add(value);

    private object? Pop()
    {
        if (_stack.Count == 0) throw Error("stack underflow");
        object? o = _stack[^1];
        if (ReferenceEquals(o, MarkObj)) throw Error("a MARK where a value was expected");
        _stack.RemoveAt(_stack.Count - 1);
        return o;
    }

    private object? Peek()
    {
        if (_stack.Count == 0) throw Error("stack underflow");
        object? o = _stack[^1];
        if (ReferenceEquals(o, MarkObj)) throw Error("a MARK where a value was expected");
        return o;
    }

    private List<object?> PopToMark()
    {
        int i = _stack.FindLastIndex(o => ReferenceEquals(o, MarkObj));
        if (i < 0) throw Error("no MARK on the stack");
        var items = _stack.GetRange(i + 1, _stack.Count - i - 1);
        _stack.RemoveRange(i, _stack.Count - i);
        return items;
    }

    private ReadOnlySpan<byte> Take(long n)
    {
        if (n < 0 || n > _data.Length - _pos)
            throw Error($"needs {n} more bytes but the stream has {_data.Length - _pos} left (truncated, or a corrupt length)");
        var s = _data.AsSpan(_pos, (int)n);
        _pos += (int)n;
        return s;
    }

    private long Length32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    private long Length64()
    {
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
        return n > int.MaxValue ? -1 : (long)n;
    }

    private string Line()
    {
        int end = Array.IndexOf(_data, (byte)'\n', _pos);
        if (end < 0) throw Error("text argument without a terminating newline");
        string s = Encoding.UTF8.GetString(_data, _pos, end - _pos);
        _pos = end + 1;
        return s;
    }

    private string Utf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Error("string is not valid UTF-8");
        }
    }

    private object ParseInt(string text)
    {
        if (text == "00") return false;
        if (text == "01") return true;
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v)
            ? v
            : throw Error($"'{Clip(text)}' is not a 64-bit integer");
    }

    private double ParseFloat(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : throw Error($"'{Clip(text)}' is not a float");

    private long ParseMemoKey(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : throw Error($"memo key '{Clip(text)}' is not a number");

    private string Unquote(string text) =>
        text.Length >= 2 && (text[0] == '\'' || text[0] == '"') && text[^1] == text[0] ? text[1..^1] : throw Error("STRING argument is not quoted");

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";

    private object ReadLong(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0) return 0L;
        if (bytes.Length > 8) throw Error($"integer of {bytes.Length} bytes is wider than 64 bits");
        long v = 0;
        for (int i = bytes.Length - 1; i >= 0; i--) v = (v << 8) | bytes[i];
        int shift = 64 - 8 * bytes.Length;
        return shift == 0 ? v : (v << shift) >> shift; // sign-extend
    }

    private void Memoize(long key) => _memo[key] = Peek();

    private object? Memo(long key) => _memo.TryGetValue(key, out object? v) ? v : throw Error($"memo key {key} is not defined");

    private static int DepthOf(object? o) => o is Container c ? c.Depth : 0;

    private void Deepen(Container c, object? child)
    {
        int depth = DepthOf(child) + 1;
        if (depth > MaxDepth) throw Error($"containers nested deeper than {MaxDepth} levels");
        if (depth > c.Depth) c.Depth = depth;
    }

    private PickleTuple Tuple(IReadOnlyList<object?> items)
    {
        var t = new PickleTuple(items.ToArray());
        foreach (var item in items) Deepen(t, item);
        return t;
    }

    private void Add(PickleList list, object? item)
    {
        Deepen(list, item);
        list.Items.Add(item);
    }

    private void SetItems(PickleDict dict, IReadOnlyList<object?> items)
    {
        if (items.Count % 2 != 0) throw Error($"odd number of items ({items.Count}) for key/value pairs");
        for (int i = 0; i < items.Count; i += 2)
        {
            Deepen(dict, items[i]);
            Deepen(dict, items[i + 1]);
            dict.Items.Add(new(items[i], items[i + 1]));
        }
    }

    private PickleDict AsDict(object? o) => o as PickleDict ?? throw Error($"SETITEM(S) on {Describe(o)}, not a dict");

    private PickleList AsList(object? o, string op) => o as PickleList ?? throw Error($"{op} on {Describe(o)}, not a list");

    private PickleTuple AsTuple(object? o, string op) => o as PickleTuple ?? throw Error($"{op} arguments are {Describe(o)}, not a tuple");

    private string AsString(object? o, string what) => o as string ?? throw Error($"STACK_GLOBAL {what} is {Describe(o)}, not a string");

    private static string Describe(object? o) => o switch
    {
        null => "None",
        PickleDict => "a dict",
        PickleList => "a list",
        PickleTuple => "a tuple",
        string => "a string",
        GlobalRef g => $"global {g}",
        StorageRef => "a storage",
        TensorRef => "a tensor",
        _ => o.GetType().Name,
    };

    private GlobalRef Global(string module, string name)
    {
        string full = $"{module}.{name}";
        if (!AllowedGlobals.Contains(full))
            throw Error($"global '{full}' is not allowed in a weights-only load (a state dict only needs OrderedDict, tensor/parameter rebuilds and storages)");
        return new GlobalRef(module, name);
    }

    private object PersistentLoad(object? pid)
    {
        if (pid is not PickleTuple { Items: [string tag, GlobalRef cls, var key, var location, var numel, ..] } || tag != "storage")
            throw Error($"persistent id {Describe(pid)} is not a ('storage', type, key, location, numel) record");
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
            _ => throw Error($"global '{cls}' is not a storage type"),
        };
        string keyText = key switch
        {
            string s => s,
            long l => l.ToString(CultureInfo.InvariantCulture),
            _ => throw Error($"storage key is {Describe(key)}, not a string"),
        };
        if (keyText.Length == 0 || keyText.Length > 64 || !keyText.All(char.IsAsciiLetterOrDigit))
            throw Error($"storage key '{Clip(keyText)}' is not a plain record name");
        if (numel is not long n || n < 0) throw Error($"storage '{keyText}' has element count {Describe(numel)}, not a non-negative integer");
        return new StorageRef(dtype, keyText, location as string ?? "cpu", n);
    }

    private object? Reduce(object? callable, PickleTuple args)
    {
        if (callable is not GlobalRef g) throw Error($"call of {Describe(callable)}, not of an allowed global");
        object?[] a = args.Items;
        switch (g.Module, g.Name)
        {
            case ("collections", "OrderedDict"):
                {
                    var dict = new PickleDict();
                    if (a.Length > 0 && a[0] is PickleList pairs)
                        foreach (var pair in pairs.Items)
                            SetItems(dict, pair is PickleTuple { Items.Length: 2 } t ? t.Items : throw Error("OrderedDict argument is not a list of pairs"));
                    return dict;
                }
            case ("torch._utils", "_rebuild_tensor_v2"):
            case ("torch._utils", "_rebuild_tensor"):
                {
                    if (a.Length < 4 || a[0] is not StorageRef s) throw Error($"{g} needs (storage, offset, size, stride)");
                    if (a[1] is not long offset || offset < 0) throw Error($"{g}: storage offset {Describe(a[1])} is not a non-negative integer");
                    long[] size = Longs(a[2], g, "size");
                    long[] stride = Longs(a[3], g, "stride");
                    if (size.Length != stride.Length) throw Error($"{g}: size has {size.Length} dimensions but stride has {stride.Length}");
                    return new TensorRef(s, offset, size, stride);
                }
            case ("torch._utils", "_rebuild_parameter"):
            case ("torch._utils", "_rebuild_parameter_with_state"):
                return a.Length > 0 && a[0] is TensorRef t0 ? t0 : throw Error($"{g} without a tensor argument");
            case ("torch", "Size"):
                return a.Length > 0 && a[0] is PickleTuple dims ? dims : throw Error("torch.Size without a tuple argument");
            default:
                throw Error($"global '{g}' cannot be called");
        }
    }

    private long[] Longs(object? o, GlobalRef g, string what)
    {
        if (o is not PickleTuple t) throw Error($"{g}: {what} is {Describe(o)}, not a tuple");
        if (t.Items.Length > 64) throw Error($"{g}: {what} has {t.Items.Length} dimensions (at most 64)");
        var result = new long[t.Items.Length];
        for (int i = 0; i < result.Length; i++)
            result[i] = t.Items[i] is long v && v >= 0 ? v : throw Error($"{g}: {what}[{i}] is {Describe(t.Items[i])}, not a non-negative integer");
        return result;
    }
}
