using System.Buffers.Binary;
using System.Text;

namespace Trm.Data.TokenStream;

/// <summary>
/// Writes nanoGPT's <c>meta.pkl</c> for character vocabularies — <c>{'vocab_size': n, 'itos': {id: ch}, 'stoi': {ch: id}}</c>
/// as a Python pickle (protocol 2: only dict, str and int opcodes) — so nanoGPT's own <c>train.py</c>/<c>sample.py</c>
/// read our folders unchanged.
/// </summary>
internal static class NanoGptPickle
{
    public const string FileName = "meta.pkl";

    public static byte[] Encode(int vocabSize, IReadOnlyList<string> itos)
    {
        var bytes = new List<byte> { 0x80, 2, (byte)'}', (byte)'(' }; // PROTO 2, EMPTY_DICT, MARK
        String(bytes, "vocab_size");
        Int(bytes, vocabSize);
        String(bytes, "itos");
        bytes.Add((byte)'}');
        bytes.Add((byte)'(');
        for (var id = 0; id < itos.Count; id++)
        {
            Int(bytes, id);
            String(bytes, itos[id]);
        }
        bytes.Add((byte)'u'); // SETITEMS
        String(bytes, "stoi");
        bytes.Add((byte)'}');
        bytes.Add((byte)'(');
        for (var id = 0; id < itos.Count; id++)
        {
            String(bytes, itos[id]);
            Int(bytes, id);
        }
        bytes.Add((byte)'u');
        bytes.Add((byte)'u');
        bytes.Add((byte)'.'); // STOP
        return [.. bytes];
    }

    private static void String(List<byte> bytes, string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        bytes.Add((byte)'X'); // BINUNICODE: uint32 length + UTF-8
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)utf8.Length);
        bytes.AddRange(length.ToArray());
        bytes.AddRange(utf8);
    }

    private static void Int(List<byte> bytes, int value)
    {
        if (value is >= 0 and < 256)
        {
            bytes.Add((byte)'K'); // BININT1
            bytes.Add((byte)value);
        }
        else if (value is >= 0 and < 65536)
        {
            bytes.Add((byte)'M'); // BININT2
            bytes.Add((byte)value);
            bytes.Add((byte)(value >> 8));
        }
        else
        {
            bytes.Add((byte)'J'); // BININT: int32
            Span<byte> four = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(four, value);
            bytes.AddRange(four.ToArray());
        }
    }
}
