using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Trm.Data.Npy;

/// <summary>The parsed header of an <c>.npy</c> file: format version, dtype, shape and where the data starts.</summary>
internal sealed record NpyHeader(int MajorVersion, NpyDType DType, long[] Shape, long DataOffset)
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Number of elements (product of the shape; 1 for a scalar).</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in Shape)
                n = checked(n * d);
            return n;
        }
    }

    /// <summary>Reads and parses the header at the start of <paramref name="stream"/>, leaving it positioned at the data.</summary>
    /// <exception cref="TrmDataException">The header is malformed, Fortran-ordered or of an unsupported dtype.</exception>
    public static NpyHeader Read(Stream stream, string? file)
    {
        Span<byte> prefix = stackalloc byte[10];
        ReadExactly(stream, prefix, file, "magic");
        if (!prefix[..6].SequenceEqual(Magic))
            throw new TrmDataException("not a NumPy .npy file (bad magic string)", file, null, "magic");
        int major = prefix[6];
        long headerLength;
        int fixedLength;
        switch (major)
        {
            case 1:
                headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..10]);
                fixedLength = 10;
                break;
            case 2:
            case 3:
                Span<byte> more = stackalloc byte[2];
                ReadExactly(stream, more, file, "header_len");
                Span<byte> len = stackalloc byte[4];
                prefix[8..10].CopyTo(len);
                more.CopyTo(len[2..]);
                headerLength = BinaryPrimitives.ReadUInt32LittleEndian(len);
                fixedLength = 12;
                break;
            default:
                throw new TrmDataException($"unsupported .npy format version {major}.{prefix[7]} (supported: 1.0, 2.0, 3.0)", file, null, "version");
        }
        if (headerLength > 16 * 1024 * 1024)
            throw new TrmDataException($"header length {headerLength} is implausible", file, null, "header_len");
        var bytes = new byte[headerLength];
        ReadExactly(stream, bytes, file, "header");
        var text = major == 3 ? Encoding.UTF8.GetString(bytes) : Encoding.Latin1.GetString(bytes);
        var (descr, fortran, shape) = ParseDictionary(text, file);
        if (fortran)
            throw new TrmDataException("Fortran-ordered arrays are not supported; save with np.ascontiguousarray(arr)", file, null, "fortran_order");
        var dtype = NpyDTypeInfo.Parse(descr, file);
        return new NpyHeader(major, dtype, shape, fixedLength + headerLength);
    }

    /// <summary>Encodes a header for <paramref name="dtype"/> and <paramref name="shape"/>; the whole preamble is padded to a multiple of 64 bytes as NumPy does.</summary>
    public static byte[] Encode(NpyDType dtype, ReadOnlySpan<long> shape)
    {
        var sb = new StringBuilder();
        sb.Append("{'descr': '").Append(NpyDTypeInfo.Descriptor(dtype)).Append("', 'fortran_order': False, 'shape': (");
        for (var i = 0; i < shape.Length; i++)
        {
            if (i > 0)
                sb.Append(", ");
            sb.Append(shape[i].ToString(CultureInfo.InvariantCulture));
        }
        if (shape.Length == 1)
            sb.Append(',');
        sb.Append("), }");
        var dict = sb.ToString();
        // Version 1.0 has a 16-bit header length; fall back to 2.0 for very long shapes.
        var fixedLength = dict.Length + 1 + 10 <= ushort.MaxValue ? 10 : 12;
        var total = fixedLength + dict.Length + 1;
        var padded = (total + 63) / 64 * 64;
        var headerLength = padded - fixedLength;
        var result = new byte[padded];
        Magic.CopyTo(result);
        result[6] = (byte)(fixedLength == 10 ? 1 : 2);
        result[7] = 0;
        if (fixedLength == 10)
            BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(8), (ushort)headerLength);
        else
            BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(8), (uint)headerLength);
        var body = result.AsSpan(fixedLength, headerLength);
        body.Fill((byte)' ');
        Encoding.ASCII.GetBytes(dict, body);
        body[^1] = (byte)'\n';
        return result;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string? file, string field)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = stream.Read(buffer[read..]);
            if (n == 0)
                throw new TrmDataException($"file ends inside the header ({read} of {buffer.Length} bytes)", file, null, field);
            read += n;
        }
    }

    private static (string Descr, bool Fortran, long[] Shape) ParseDictionary(string text, string? file)
    {
        var parser = new DictParser(text, file);
        string? descr = null;
        bool? fortran = null;
        long[]? shape = null;
        parser.Expect('{');
        while (true)
        {
            parser.SkipSpace();
            if (parser.TryConsume('}'))
                break;
            var key = parser.ReadString();
            parser.Expect(':');
            switch (key)
            {
                case "descr":
                    parser.SkipSpace();
                    if (parser.Peek() == '[')
                        throw new TrmDataException("structured dtypes are not supported", file, null, "descr");
                    descr = parser.ReadString();
                    break;
                case "fortran_order":
                    fortran = parser.ReadBool();
                    break;
                case "shape":
                    shape = parser.ReadShape();
                    break;
                default:
                    throw new TrmDataException($"unexpected header key '{key}'", file, null, key);
            }
            parser.SkipSpace();
            if (parser.TryConsume(','))
                continue;
            parser.Expect('}');
            break;
        }
        if (descr is null)
            throw new TrmDataException("header has no 'descr' key", file, null, "descr");
        if (fortran is null)
            throw new TrmDataException("header has no 'fortran_order' key", file, null, "fortran_order");
        if (shape is null)
            throw new TrmDataException("header has no 'shape' key", file, null, "shape");
        return (descr, fortran.Value, shape);
    }

    /// <summary>A tiny reader for the Python dictionary literal NumPy writes in the header.</summary>
    private sealed class DictParser(string text, string? file)
    {
        private int _pos;

        public char Peek() => _pos < text.Length ? text[_pos] : '\0';

        public void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
                _pos++;
        }

        public bool TryConsume(char c)
        {
            SkipSpace();
            if (Peek() != c)
                return false;
            _pos++;
            return true;
        }

        public void Expect(char c)
        {
            if (!TryConsume(c))
                throw Error($"expected '{c}' at offset {_pos}");
        }

        public string ReadString()
        {
            SkipSpace();
            var quote = Peek();
            if (quote is not ('\'' or '"'))
                throw Error($"expected a quoted string at offset {_pos}");
            var end = text.IndexOf(quote, _pos + 1);
            if (end < 0)
                throw Error("unterminated string");
            var value = text.Substring(_pos + 1, end - _pos - 1);
            _pos = end + 1;
            return value;
        }

        public bool ReadBool()
        {
            SkipSpace();
            if (string.CompareOrdinal(text, _pos, "True", 0, 4) == 0)
            {
                _pos += 4;
                return true;
            }
            if (string.CompareOrdinal(text, _pos, "False", 0, 5) == 0)
            {
                _pos += 5;
                return false;
            }
            throw Error($"expected True or False at offset {_pos}");
        }

        public long[] ReadShape()
        {
            Expect('(');
            var dims = new List<long>();
            while (true)
            {
                if (TryConsume(')'))
                    break;
                SkipSpace();
                var start = _pos;
                while (_pos < text.Length && (char.IsDigit(text[_pos]) || text[_pos] == 'L'))
                    _pos++;
                var digits = text[start.._pos].TrimEnd('L');
                if (digits.Length == 0 || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var dim))
                    throw new TrmDataException($"bad dimension at offset {start}", file, null, "shape");
                dims.Add(dim);
                if (TryConsume(','))
                    continue;
                Expect(')');
                break;
            }
            return [.. dims];
        }

        private TrmDataException Error(string reason) => new($"malformed header: {reason}", file, null, "header");
    }
}
