using System.Buffers.Binary;
using System.Text;
using Trm.Torch.Serialization;
using P = Trm.Torch.Tests.SerializationPickleBuilder;

namespace Trm.Torch.Tests;

/// <summary>torch.save files crafted by hand: every opcode torch.save emits is read, and every hostile file gives an error naming it.</summary>
public class SerializationTorchSaveHostileTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "trm-torchsave-hostile-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string Archive(string name, byte[] pickle, params (string, byte[])[] storages)
    {
        string path = Path.Combine(_dir, name);
        P.WriteArchive(path, pickle, storages);
        return path;
    }

    private static InvalidDataException LoadFails(string path)
    {
        var ex = Assert.Throws<InvalidDataException>(() => TorchSave.LoadStateDict(path))!;
        Assert.That(ex.Message, Does.Contain(Path.GetFileName(path)), "the error names the file");
        return ex;
    }

    [Test]
    public void ListOpcodesNestingMemoAndTuplesLoadWithKnownValues()
    {
        // {"layers": [t0, t1] (LIST), "shared": BINGET of t0, "nested": [[s]] (EMPTY_LIST + APPEND + APPENDS),
        //  "pair": (t0', LONG_BINGET of t1) (TUPLE2), "one": (t0,) (TUPLE1), "n": 3} through SETITEMS.
        var p = new P().Proto().Op('}').Put(0).Op('(');
        p.Str("layers").Op('(').Tensor("0", 4, 0, [2], [1]).Put(1).Tensor("0", 4, 2, [2], [1]).LongPut(70000).Op('l');
        p.Str("shared").Get(1);
        p.Str("nested").Op(']').Op('(').Op(']').Tensor("1", 1, 0, [], []).Op('a').Op('e');
        p.Str("pair").Tensor("0", 4, 1, [2], [2]).LongGet(70000).Byte(0x86);
        p.Str("one").Get(1).Byte(0x85);
        p.Str("n").Int(3);
        p.Op('u').Op('.');
        string path = Archive("lists.pt", p.ToArray(), ("0", P.Floats(1, 2, 3, 4)), ("1", P.Floats(7)));

        var sd = TorchSave.LoadStateDict(path);
        try
        {
            Assert.That(sd.Keys, Is.EqualTo(new[] { "layers.0", "layers.1", "shared", "nested.0.0", "pair.0", "pair.1", "one.0" }));
            Assert.That(sd["layers.0"].ToArray<float>(), Is.EqualTo(new[] { 1f, 2f }));
            Assert.That(sd["layers.1"].ToArray<float>(), Is.EqualTo(new[] { 3f, 4f }));
            Assert.That(sd["shared"].ToArray<float>(), Is.EqualTo(new[] { 1f, 2f }));
            Assert.That(sd["nested.0.0"].Dim, Is.EqualTo(0));
            Assert.That(sd["nested.0.0"].Item<float>(), Is.EqualTo(7f));
            Assert.That(sd["pair.0"].ToArray<float>(), Is.EqualTo(new[] { 2f, 4f }), "offset 1, stride 2");
            Assert.That(sd["pair.1"].ToArray<float>(), Is.EqualTo(new[] { 3f, 4f }));
            Assert.That(sd["one.0"].ToArray<float>(), Is.EqualTo(new[] { 1f, 2f }));
        }
        finally
        {
            foreach (var t in sd.Values) t.Dispose();
        }
    }

    [Test]
    public void ProtocolFourOpcodesAndParametersLoad()
    {
        // PROTO 4, FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL, a parameter rebuild, an OrderedDict with BUILD of its _metadata.
        var p = new P().Proto(4).Byte(0x95).Raw(new byte[8]);
        p.Byte(0x8c).Byte(11).Raw(Encoding.ASCII.GetBytes("collections")).Byte(0x94);
        p.Byte(0x8c).Byte(11).Raw(Encoding.ASCII.GetBytes("OrderedDict")).Byte(0x94);
        p.Byte(0x93).Byte(0x94).Op(')').Op('R').Byte(0x94); // OrderedDict() -> memo 3
        p.Byte(0x8c).Byte(1).Raw("w"u8.ToArray());
        p.Global("torch._utils", "_rebuild_parameter").Op('(').Tensor("0", 2, 0, [2], [1]).Byte(0x88).Global("collections", "OrderedDict").Op(')').Op('R').Op('t').Op('R');
        p.Op('s');
        p.Op('}').Str("version").Int(1).Op('s').Op('b'); // BUILD: state_dict._metadata
        p.Op('.');
        string path = Archive("proto4.pt", p.ToArray(), ("0", P.Floats(5, -6)));
        var sd = TorchSave.LoadStateDict(path);
        try
        {
            Assert.That(sd.Keys, Is.EqualTo(new[] { "w" }));
            Assert.That(sd["w"].ToArray<float>(), Is.EqualTo(new[] { 5f, -6f }));
        }
        finally
        {
            foreach (var t in sd.Values) t.Dispose();
        }
    }

    [Test]
    public void AGlobalOutsideTheWeightsOnlySetIsRefusedByName()
    {
        byte[] pickle = new P().Proto().Global("os", "system").Str("echo pwned").Byte(0x85).Op('R').Op('.').ToArray();
        var ex = LoadFails(Archive("evil.pt", pickle));
        Assert.That(ex.Message, Does.Contain("'os.system'").And.Contain("weights-only").And.Contain("byte 2"));
    }

    [Test]
    public void TwoHundredThousandNestedListsGiveAnErrorNotAStackOverflow()
    {
        var p = new P().Proto();
        for (int i = 0; i < 200_000; i++) p.Op(']');
        for (int i = 0; i < 199_999; i++) p.Op('a');
        p.Op('.');
        byte[] pickle = p.ToArray();
        Assert.That(pickle.Length, Is.GreaterThan(400_000));
        var ex = LoadFails(Archive("deep.pt", pickle));
        // the 200th APPEND makes a list 201 levels deep: byte 2 (after PROTO) + 200,000 EMPTY_LISTs + 199
        Assert.That(ex.Message, Does.Contain("nested deeper than 200").And.Contain("byte 200201").And.Contain("opcode 0x61"));
    }

    [Test]
    public void AListThatContainsItselfGivesAnError()
    {
        // {"x": L} where L.append(L) through the memo
        byte[] pickle = new P().Proto().Op('}').Str("x").Op(']').Put(0).Get(0).Op('a').Op('s').Op('.').ToArray();
        var ex = LoadFails(Archive("cycle.pt", pickle));
        Assert.That(ex.Message, Does.Contain("nests deeper than 200 levels (or refers to itself)"));
    }

    [Test]
    public void SharedSubListsThatExplodeWhenFlattenedAreBounded()
    {
        // L0 = [t]; L(i) = [L(i-1), L(i-1)] for 40 levels: 2^40 paths to one tensor.
        var p = new P().Proto().Op('}').Str("x").Op(']').Tensor("0", 1, 0, [], []).Op('a').Put(0).Op('0');
        for (int i = 1; i <= 40; i++) p.Op('(').Get((byte)(i - 1)).Get((byte)(i - 1)).Op('l').Put((byte)i).Op('0');
        p.Get(40).Op('s').Op('.');
        var ex = LoadFails(Archive("dag.pt", p.ToArray(), ("0", P.Floats(1))));
        Assert.That(ex.Message, Does.Contain("more than 1000000 values"));
    }

    [Test]
    public void AHugeStorageClaimInATinyFileFailsBeforeAllocating()
    {
        byte[] pickle = new P().Proto().Op('}').Str("w").Tensor("0", 1_100_000_000, 0, [1_100_000_000], [1]).Op('s').Op('.').ToArray();
        string path = Archive("tiny.pt", pickle, ("0", P.Floats(1)));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = LoadFails(path);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(ex.Message, Does.Contain("storage record archive/data/0 of tensor 'w' holds 4 bytes but the pickle declares 1100000000 x Float32"));
        Assert.That(allocated, Is.LessThan(1 << 20), "no allocation of the claimed size");
    }

    [Test]
    public void AZipRecordClaimingMoreBytesThanTheArchiveFailsBeforeAllocating()
    {
        // The central directory says archive/data/0 is 1 GiB (stored); the pickle agrees (2^28 floats); the file is ~1 KB.
        byte[] pickle = new P().Proto().Op('}').Str("w").Tensor("0", 1 << 28, 0, [1], [1]).Op('s').Op('.').ToArray();
        string path = Archive("liar.pt", pickle, ("0", P.Floats(1)));
        byte[] zip = File.ReadAllBytes(path);
        byte[] name = Encoding.ASCII.GetBytes("archive/data/0");
        int patched = 0;
        for (int i = 0; i + 46 < zip.Length; i++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i)) != 0x02014b50) continue;
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(i + 28));
            if (!zip.AsSpan(i + 46, nameLength).SequenceEqual(name)) continue;
            BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + 20), 1u << 30);
            BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + 24), 1u << 30);
            patched++;
        }
        Assert.That(patched, Is.EqualTo(1));
        File.WriteAllBytes(path, zip);
        long before = GC.GetAllocatedBytesForCurrentThread();
        LoadFails(path);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1 << 20));
    }

    [Test]
    public void MalformedPicklesGiveErrorsNeverAnEmptyStateDict()
    {
        var truncated = new P().Proto().Op('X').Raw([0xe8, 0x03, 0, 0]).Raw("abc"u8.ToArray()).ToArray();
        Assert.That(LoadFails(Archive("truncated.pt", truncated)).Message, Does.Contain("byte 2").And.Contain("needs 1000 more bytes"));
        Assert.That(LoadFails(Archive("nostop.pt", new P().Proto().Op('}').ToArray())).Message, Does.Contain("without a STOP"));
        Assert.That(LoadFails(Archive("int.pt", new P().Proto().Int(3).Op('.').ToArray())).Message, Does.Contain("not a dict, list or tuple"));
        Assert.That(LoadFails(Archive("empty.pt", new P().Proto().Op('}').Op('.').ToArray())).Message, Does.Contain("holds no tensors"));
        Assert.That(LoadFails(Archive("opcode.pt", new P().Proto().Byte(0xff).ToArray())).Message, Does.Contain("byte 2 (opcode 0xff)"));
        Assert.That(LoadFails(Archive("underflow.pt", new P().Proto().Op('a').ToArray())).Message, Does.Contain("stack underflow"));
        Assert.That(LoadFails(Archive("memo.pt", new P().Proto().Get(9).ToArray())).Message, Does.Contain("memo key 9 is not defined"));
        Assert.That(LoadFails(Archive("setitem.pt", new P().Proto().Op(']').Str("k").Int(1).Op('s').ToArray())).Message, Does.Contain("SETITEM(S) on a list"));
        Assert.That(LoadFails(Archive("leftover.pt", new P().Proto().Op('}').Op('}').Op('.').ToArray())).Message, Does.Contain("left on the stack"));
    }

    [Test]
    public void ATensorViewPastItsStorageNamesTheTensor()
    {
        byte[] pickle = new P().Proto().Op('}').Str("w").Tensor("0", 4, 0, [10], [1]).Op('s').Op('.').ToArray();
        var ex = LoadFails(Archive("view.pt", pickle, ("0", P.Floats(1, 2, 3, 4))));
        Assert.That(ex.Message, Does.Contain("tensor 'w'").And.Contain("reaches element 9 of storage data/0, which has 4"));
    }

    [Test]
    public void AMissingStorageRecordNamesTheRecordAndTensor()
    {
        byte[] pickle = new P().Proto().Op('}').Str("w").Tensor("7", 1, 0, [1], [1]).Op('s').Op('.').ToArray();
        Assert.That(LoadFails(Archive("missing.pt", pickle)).Message, Does.Contain("storage record archive/data/7 of tensor 'w' is missing"));
    }
}
