using Trm.Data.Npy;
using Trm.Data.Tests.Puzzles;

namespace Trm.Data.Tests.Npy;

public class NpyFileTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = PuzzleTestData.NewTempDirectory();

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private static string Fixture(string name) => PuzzleTestData.Path("npy", name);

    [TestCase("uint8", NpyDType.UInt8)]
    [TestCase("int8", NpyDType.Int8)]
    [TestCase("int16", NpyDType.Int16)]
    [TestCase("uint16", NpyDType.UInt16)]
    [TestCase("int32", NpyDType.Int32)]
    [TestCase("uint32", NpyDType.UInt32)]
    [TestCase("int64", NpyDType.Int64)]
    [TestCase("uint64", NpyDType.UInt64)]
    public void NumPyIntegerFiles_LoadWithKnownValues(string name, NpyDType dtype)
    {
        using var array = NpyFile.Read(Fixture(name + ".npy"));
        Assert.That(array.DType, Is.EqualTo(dtype));
        Assert.That(array.Shape, Is.EqualTo(new long[] { 3, 4 }));
        var signed = name.StartsWith("int", StringComparison.Ordinal);
        var expected = Enumerable.Range(0, 12).Select(i => signed ? i - 5 : i).ToArray();
        Assert.That(array.ToInt32Array(), Is.EqualTo(expected));
        Assert.That(array.GetInt64(11), Is.EqualTo(expected[11]));
    }

    [Test]
    public void NumPyFloatFiles_LoadWithKnownValues()
    {
        using var f32 = NpyFile.Read(Fixture("float32.npy"));
        using var f64 = NpyFile.Read(Fixture("float64.npy"));
        var expected = Enumerable.Range(0, 12).Select(i => (i - 5) / 4.0).ToArray();
        Assert.That(f32.ToArray<float>().Select(v => (double)v), Is.EqualTo(expected));
        Assert.That(f64.ToArray<double>(), Is.EqualTo(expected));
        Assert.Throws<InvalidOperationException>(() => f32.ToInt32Array());
    }

    [Test]
    public void NumPyBoolScalarAndEmptyFiles_Load()
    {
        using var b = NpyFile.Read(Fixture("bool.npy"));
        Assert.That(b.DType, Is.EqualTo(NpyDType.Bool));
        Assert.That(b.ToArray<bool>(), Is.EqualTo(new[] { true, false, true, true, false }));
        using var s = NpyFile.Read(Fixture("scalar.npy"));
        Assert.That(s.Rank, Is.EqualTo(0));
        Assert.That(s.ToArray<long>(), Is.EqualTo(new long[] { 7 }));
        using var e = NpyFile.OpenMapped(Fixture("empty.npy"));
        Assert.That(e.Shape, Is.EqualTo(new long[] { 0, 81 }));
        Assert.That(e.Length, Is.EqualTo(0));
    }

    [TestCase("v2.npy")]
    [TestCase("v3.npy")]
    public void FormatVersions2And3_Load(string name)
    {
        using var array = NpyFile.Read(Fixture(name));
        Assert.That(array.Shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(array.ToArray<int>(), Is.EqualTo(new[] { 0, 1, 2, 3, 4, 5 }));
    }

    [Test]
    public void FortranOrder_IsRefusedNamingTheField()
    {
        var e = Assert.Throws<TrmDataException>(() => NpyFile.Read(Fixture("fortran.npy")));
        Assert.That(e!.Field, Is.EqualTo("fortran_order"));
        Assert.That(e.File, Does.EndWith("fortran.npy"));
    }

    [Test]
    public void BigEndian_IsRefusedNamingTheField()
    {
        var e = Assert.Throws<TrmDataException>(() => NpyFile.OpenMapped(Fixture("bigendian.npy")));
        Assert.That(e!.Field, Is.EqualTo("descr"));
        Assert.That(e.Message, Does.Contain("big-endian"));
    }

    [Test]
    public void WrittenBytes_EqualNumPysBytes()
    {
        // np.save of arange(12).reshape(3, 4) as int32 (written by eng/make-npy-fixtures.py, shifted by -5).
        var values = Enumerable.Range(0, 12).Select(i => i - 5).ToArray();
        var path = Path.Combine(_dir, "int32.npy");
        NpyFile.Write<int>(path, values, 3, 4);
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(File.ReadAllBytes(Fixture("int32.npy"))));
        var u8 = Path.Combine(_dir, "uint8.npy");
        NpyFile.Write<byte>(u8, Enumerable.Range(0, 12).Select(i => (byte)i).ToArray(), 3, 4);
        Assert.That(File.ReadAllBytes(u8), Is.EqualTo(File.ReadAllBytes(Fixture("uint8.npy"))));
        var b = Path.Combine(_dir, "bool.npy");
        NpyFile.Write<bool>(b, [true, false, true, true, false]);
        Assert.That(File.ReadAllBytes(b), Is.EqualTo(File.ReadAllBytes(Fixture("bool.npy"))));
    }

    [Test]
    public void RoundTrip_EveryDType_InMemoryAndMapped()
    {
        RoundTrip<bool>([true, false, false, true, true, true]);
        RoundTrip<sbyte>([-128, -1, 0, 1, 2, 127]);
        RoundTrip<byte>([0, 1, 2, 3, 254, 255]);
        RoundTrip<short>([short.MinValue, -1, 0, 1, 2, short.MaxValue]);
        RoundTrip<ushort>([0, 1, 2, 3, 4, ushort.MaxValue]);
        RoundTrip<int>([int.MinValue, -1, 0, 1, 2, int.MaxValue]);
        RoundTrip<uint>([0, 1, 2, 3, 4, uint.MaxValue]);
        RoundTrip<long>([long.MinValue, -1, 0, 1, 2, long.MaxValue]);
        RoundTrip<ulong>([0, 1, 2, 3, 4, ulong.MaxValue]);
        RoundTrip<float>([float.MinValue, -1.5f, 0, 1e-30f, float.NaN, float.PositiveInfinity]);
        RoundTrip<double>([double.MinValue, -1.5, 0, 1e-300, double.Epsilon, double.MaxValue]);
    }

    private void RoundTrip<T>(T[] values) where T : unmanaged
    {
        var path = Path.Combine(_dir, typeof(T).Name + ".npy");
        NpyFile.Write<T>(path, values, 2, 3);
        using var read = NpyFile.Read(path);
        Assert.That(read.Shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(read.ToArray<T>(), Is.EqualTo(values), typeof(T).Name);
        using var mapped = NpyFile.OpenMapped(path);
        Assert.That(mapped.IsMemoryMapped, Is.True);
        Assert.That(mapped.ToArray<T>(), Is.EqualTo(values), typeof(T).Name + " mapped");
        // Header is padded so that the data starts on a 64-byte boundary, as NumPy does.
        Assert.That((new FileInfo(path).Length - 6 * System.Runtime.CompilerServices.Unsafe.SizeOf<T>()) % 64, Is.Zero);
    }

    [Test]
    public void CopyTo_ConvertsRowsOfSmallTypes()
    {
        using var a = NpyArray.FromArray<ushort>([1, 2, 3, 4, 5, 65535], 2, 3);
        var row = new int[3];
        a.CopyTo(3, row);
        Assert.That(row, Is.EqualTo(new[] { 4, 5, 65535 }));
        Assert.That(a.IntegerRange(), Is.EqualTo((1L, 65535L)));
    }

    [Test]
    public void BadMagicAndTruncation_AreClearErrors()
    {
        var bad = Path.Combine(_dir, "bad.npy");
        File.WriteAllText(bad, "not numpy at all");
        var e = Assert.Throws<TrmDataException>(() => NpyFile.Read(bad));
        Assert.That(e!.Field, Is.EqualTo("magic"));

        var good = File.ReadAllBytes(Fixture("int64.npy"));
        var cut = Path.Combine(_dir, "cut.npy");
        File.WriteAllBytes(cut, good[..^8]);
        e = Assert.Throws<TrmDataException>(() => NpyFile.OpenMapped(cut));
        Assert.That(e!.Field, Is.EqualTo("data"));
        Assert.That(e.Message, Does.Contain("truncated"));
        e = Assert.Throws<TrmDataException>(() => NpyFile.Read(cut));
        Assert.That(e!.Field, Is.EqualTo("data"));

        e = Assert.Throws<TrmDataException>(() => NpyFile.Read(Path.Combine(_dir, "missing.npy")));
        Assert.That(e!.Message, Does.Contain("not found"));
    }

    [Test]
    public void UnsupportedDescr_IsAClearError()
    {
        var path = Path.Combine(_dir, "c16.npy");
        var header = "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)(header.Length + 1), 0 };
        bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(header + "\n"));
        bytes.AddRange(new byte[16]);
        File.WriteAllBytes(path, [.. bytes]);
        var e = Assert.Throws<TrmDataException>(() => NpyFile.Read(path));
        Assert.That(e!.Field, Is.EqualTo("descr"));
        Assert.That(e.Message, Does.Contain("<c16"));
    }
}
