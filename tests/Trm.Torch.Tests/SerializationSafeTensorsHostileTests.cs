using System.Buffers.Binary;
using System.Text;
using Trm.Torch.Serialization;

namespace Trm.Torch.Tests;

/// <summary>Crafted safetensors headers: each inconsistency is refused with its own message naming the file and the tensor.</summary>
public class SerializationSafeTensorsHostileTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "trm-safetensors-hostile-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string header, int dataBytes, ulong? headerLength = null)
    {
        byte[] h = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + h.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(file, headerLength ?? (ulong)h.Length);
        h.CopyTo(file, 8);
        for (int i = 0; i < dataBytes; i++) file[8 + h.Length + i] = (byte)(i + 1);
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, file);
        return path;
    }

    private static string Fails(string path)
    {
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path).Dispose())!;
        Assert.That(ex.Message, Does.StartWith(path + ": invalid safetensors file: "));
        return ex.Message;
    }

    [Test]
    public void ASizeThatOverflowsSixtyFourBitsIsRefused()
    {
        // 2^61 x 2 float32 = 2^64 bytes, which wraps to 0 and used to match data_offsets [0, 0].
        string path = Write("overflow.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2305843009213693952,2],\"data_offsets\":[0,0]}}", 0);
        Assert.That(Fails(path), Does.Contain("tensor 'w': shape [2305843009213693952, 2] of Float32 has more bytes than a 64-bit size"));
    }

    [Test]
    public void TensorsSharingBytesAreRefused()
    {
        string path = Write("overlap.safetensors",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12);
        Assert.That(Fails(path), Does.Contain("tensors 'a' [0, 8) and 'b' [4, 12) share bytes"));
        string same = Write("same.safetensors",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
        Assert.That(Fails(same), Does.Contain("tensors 'a' [0, 8) and 'b' [0, 8) share bytes"));
    }

    [Test]
    public void EmptyTensorsMayShareAnOffset()
    {
        string path = Write("empty.safetensors",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2);
        using var f = SafeTensors.Load(path);
        Assert.That(f.Tensors["a"].NumEl, Is.EqualTo(0));
        Assert.That(f.Tensors["b"].ToArray<byte>(), Is.EqualTo(new byte[] { 1, 2 }));
    }

    [Test]
    public void DuplicateKeysAreRefused()
    {
        string path = Write("dup.safetensors",
            "{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", 2);
        Assert.That(Fails(path), Does.Contain("tensor 'w' appears twice in the header"));
        string meta = Write("dupmeta.safetensors", "{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", 0);
        Assert.That(Fails(meta), Does.Contain("__metadata__ key 'k' appears twice"));
    }

    [Test]
    public void HeaderLengthsOutsideTheFileAreRefused()
    {
        Assert.That(Fails(Write("tiny.safetensors", "{}", 0, headerLength: 1)), Does.Contain("header length 1 is too small"));
        Assert.That(Fails(Write("long.safetensors", "{}", 0, headerLength: 3)), Does.Contain("header length 3 exceeds the file (10 bytes)"));
        Assert.That(Fails(Write("huge.safetensors", "{}", 0, headerLength: ulong.MaxValue)), Does.Contain("exceeds the 104857600-byte limit"));
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensors.ReadMetadata(Path.Combine(_dir, "huge.safetensors")))!;
        Assert.That(ex.Message, Does.Contain("huge.safetensors").And.Contain("limit"));
    }

    [Test]
    public void InvalidUtf8InTheHeaderIsAnError()
    {
        // Found by eng/fuzz.sh (safetensors target): a name or a dtype with a byte that is not UTF-8 threw InvalidOperationException.
        byte[] header = Encoding.UTF8.GetBytes("{\"h\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]}}");
        foreach (int at in new[] { 2, 16 }) // inside the name "h", inside "F16"
        {
            byte[] bad = (byte[])header.Clone();
            bad[at] = 0xAD;
            var file = new byte[8 + bad.Length + 2];
            BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)bad.Length);
            bad.CopyTo(file, 8);
            string path = Path.Combine(_dir, $"utf8-{at}.safetensors");
            File.WriteAllBytes(path, file);
            Assert.That(Fails(path), Does.EndWith("header is not valid UTF-8"));
        }
    }

    [Test]
    public void DTypeShapeAndRangeMismatchesNameTheTensor()
    {
        Assert.That(Fails(Write("short.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8)),
            Does.Contain("tensor 'w': data_offsets [0, 8] hold 8 bytes but Float32 [3] needs 12"));
        Assert.That(Fails(Write("past.safetensors", "{\"w\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[8,16]}}", 8)),
            Does.Contain("tensor 'w': data_offsets end 16 is past the data section (8 bytes)"));
        Assert.That(Fails(Write("neg.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0)),
            Does.Contain("tensor 'w': field 'shape' has an invalid size"));
        Assert.That(Fails(Write("type.safetensors", "{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1)),
            Does.Contain("tensor 'w': field 'dtype' has unsupported value 'F8_E4M3'"));
        Assert.That(Fails(Write("offsets.safetensors", "{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,0]}}", 1)),
            Does.Contain("tensor 'w': field 'data_offsets' is not a valid [begin, end] pair"));
    }
}
