using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Trm.Torch;
using Trm.Torch.Serialization;

namespace Trm.Torch.Tests;

public class SerializationTests
{
    private static string DataFile(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "Data", name);

    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "trm-torch-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void SafeTensorsRoundTripsEveryDTypeAndMetadata()
    {
        using var scope = Engine.NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>
        {
            ["f32"] = Tensors.FromArray(new float[] { 1.5f, -2, 3 }, 3, 1),
            ["f64"] = Tensors.FromArray(new double[] { Math.PI }),
            ["bf16"] = Tensors.FromArray(new float[] { 1, -0.5f }).To(DType.BFloat16),
            ["f16"] = Tensors.FromArray(new[] { (Half)0.25, (Half)8 }),
            ["i64"] = Tensors.FromArray(new long[] { long.MinValue, 5 }),
            ["i32"] = Tensors.FromArray(new[] { -7 }),
            ["u8"] = Tensors.FromArray(new byte[] { 0, 200, 255 }),
            ["bool"] = Tensors.FromArray(new[] { true, false, true }),
            ["empty"] = Tensors.Zeros([0, 4]),
            ["scalar"] = Tensors.Scalar(2.5),
            ["view"] = Tensors.Arange(6).Reshape(2, 3).Transpose(0, 1), // non-contiguous: written row-major
        };
        string path = Path.Combine(_dir, "all.safetensors");
        SafeTensors.Save(path, tensors, new Dictionary<string, string> { ["format"] = "pt", ["note"] = "héllo" });
        Assert.That(Directory.GetFiles(_dir), Has.Length.EqualTo(1), "no temporary file left behind");
        using var file = SafeTensors.Load(path);
        Assert.That(file.Metadata["note"], Is.EqualTo("héllo"));
        Assert.That(file.Tensors.Keys, Is.EquivalentTo(tensors.Keys));
        foreach (var (name, t) in tensors)
        {
            Tensor back = file.Tensors[name];
            Assert.That(back.DType, Is.EqualTo(t.DType), name);
            Assert.That(back.Shape, Is.EqualTo(t.Shape), name);
            Assert.That(back.Equal(t), Is.True, name);
        }
        // the header is padded so that data starts 8-byte aligned
        var bytes = File.ReadAllBytes(path);
        Assert.That(BinaryPrimitives.ReadUInt64LittleEndian(bytes) % 8, Is.EqualTo(0));
        Assert.That(SafeTensors.ReadMetadata(path)["format"], Is.EqualTo("pt"));
    }

    [Test]
    public void ReadsAHandBuiltFileFromTheSpecification()
    {
        // Two tensors: "a" F16 [2] = {1.0, -2.0} (0x3C00, 0xC000), then "b" BF16 [1] = {1.0} (0x3F80), "c" BOOL [2], "d" I32 [1] = 258.
        string header = "{\"__metadata__\":{\"who\":\"hand\"},\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
            + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[4,6]},\"c\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[6,8]},"
            + "\"d\":{\"dtype\":\"I32\",\"shape\":[1,1],\"data_offsets\":[8,12]}}";
        byte[] h = Encoding.UTF8.GetBytes(header);
        byte[] data = { 0x00, 0x3C, 0x00, 0xC0, 0x80, 0x3F, 1, 0, 0x02, 0x01, 0, 0 };
        var file = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)h.Length);
        h.CopyTo(file, 8);
        data.CopyTo(file, 8 + h.Length);
        string path = Path.Combine(_dir, "hand.safetensors");
        File.WriteAllBytes(path, file);

        using var f = SafeTensors.Load(path);
        Assert.That(f.Metadata["who"], Is.EqualTo("hand"));
        Assert.That(f.Tensors["a"].ToArray<Half>(), Is.EqualTo(new[] { (Half)1, (Half)(-2) }));
        Assert.That(f.Tensors["b"].To(DType.Float32).ToArray<float>(), Is.EqualTo(new float[] { 1 }));
        Assert.That(f.Tensors["c"].ToArray<bool>(), Is.EqualTo(new[] { true, false }));
        Assert.That(f.Tensors["d"].Shape, Is.EqualTo(new long[] { 1, 1 }));
        Assert.That(f.Tensors["d"].ToArray<int>(), Is.EqualTo(new[] { 258 }));
    }

    [Test]
    public void ReadsAFileWrittenByPythonSafetensors()
    {
        string path = DataFile("trm_attn_rope.safetensors");
        byte[] raw = File.ReadAllBytes(path);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(raw);
        using var header = JsonDocument.Parse(raw.AsMemory(8, (int)n));
        using var f = SafeTensors.Load(path);
        Assert.That(f.Metadata["config"], Does.Contain("\"pos_encodings\": \"rope\""));
        int count = 0;
        foreach (JsonProperty p in header.RootElement.EnumerateObject())
        {
            if (p.Name == "__metadata__") continue;
            count++;
            Tensor t = f.Tensors[p.Name];
            long begin = p.Value.GetProperty("data_offsets")[0].GetInt64();
            long end = p.Value.GetProperty("data_offsets")[1].GetInt64();
            byte[] expected = raw.AsSpan((int)(8 + (long)n + begin), (int)(end - begin)).ToArray();
            byte[] actual = t.DType switch
            {
                DType.Float32 => MemoryMarshalBytes(t.ToArray<float>()),
                DType.Int64 => MemoryMarshalBytes(t.ToArray<long>()),
                DType.Int32 => MemoryMarshalBytes(t.ToArray<int>()),
                _ => throw new AssertionException($"unexpected dtype {t.DType}"),
            };
            Assert.That(actual, Is.EqualTo(expected), p.Name);
            Assert.That(t.Shape, Is.EqualTo(p.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64())), p.Name);
        }
        Assert.That(f.Tensors, Has.Count.EqualTo(count));
        Assert.That(f.Tensors["batch.labels"].ToArray<long>(), Does.Contain(-100L), "ignored label positions");
    }

    private static byte[] MemoryMarshalBytes<T>(T[] a) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()).ToArray();

    [Test]
    public void MalformedFilesNameTheFileAndTensor()
    {
        using var scope = Engine.NewDisposeScope();
        string path = Path.Combine(_dir, "ok.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Tensors.Ones([4, 4]) });
        byte[] bytes = File.ReadAllBytes(path);
        string truncated = Path.Combine(_dir, "truncated.safetensors");
        File.WriteAllBytes(truncated, bytes[..^10]);
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(truncated))!;
        Assert.That(ex.Message, Does.Contain("truncated.safetensors").And.Contain("'w'"));
        string garbage = Path.Combine(_dir, "garbage.safetensors");
        File.WriteAllBytes(garbage, new byte[] { 255, 255, 255, 255, 0, 0, 0, 0, 1, 2 });
        Assert.That(Assert.Throws<InvalidDataException>(() => SafeTensors.Load(garbage))!.Message, Does.Contain("header length"));
        string badType = Path.Combine(_dir, "badtype.safetensors");
        File.WriteAllBytes(badType, Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).Replace("\"F32\"", "\"F99\"")));
        Assert.That(Assert.Throws<InvalidDataException>(() => SafeTensors.Load(badType))!.Message, Does.Contain("'dtype'").And.Contain("F99"));
    }

    [Test]
    public void ModuleStateDictSurvivesASafeTensorsRoundTrip()
    {
        using var scope = Engine.NewDisposeScope();
        using var g = new Generator(9);
        using var a = new Trm.Torch.Nn.Linear(3, 2, generator: g);
        using var b = new Trm.Torch.Nn.Linear(3, 2);
        string path = Path.Combine(_dir, "linear.safetensors");
        SafeTensors.Save(path, a.StateDict());
        using (var f = SafeTensors.Load(path)) b.LoadStateDict(f.Tensors);
        Assert.That(b.Weight.Equal(a.Weight) && b.Bias!.Equal(a.Bias!), Is.True);
    }

    [Test]
    public void TorchSaveStateDictImportsWithValuesViewsAndDTypes()
    {
        var sd = TorchSave.LoadStateDict(DataFile("torch_save_state_dict.pt"));
        try
        {
            Assert.That(sd.Keys, Is.EquivalentTo(new[] { "linear.weight", "linear.bias", "counts", "half.bf16", "mask", "view.transposed", "view.base", "scalar" }));
            Assert.That(sd["linear.weight"].Shape, Is.EqualTo(new long[] { 2, 3 }));
            Assert.That(sd["linear.weight"].ToArray<float>(), Is.EqualTo(new[] { 0f, 0.25f, 0.5f, 0.75f, 1f, 1.25f }));
            Assert.That(sd["linear.bias"].ToArray<float>(), Is.EqualTo(new[] { -1.5f, 2.25f }));
            Assert.That(sd["counts"].ToArray<long>(), Is.EqualTo(new[] { 7L, -3L, 1L << 40 }));
            Assert.That(sd["half.bf16"].DType, Is.EqualTo(DType.BFloat16));
            Assert.That(sd["half.bf16"].To(DType.Float32).ToArray<float>(), Is.EqualTo(new[] { 1f, -2f, 0.5f }));
            Assert.That(sd["mask"].ToArray<bool>(), Is.EqualTo(new[] { true, false, true }));
            Assert.That(sd["view.transposed"].Shape, Is.EqualTo(new long[] { 4, 3 }));
            Assert.That(sd["view.transposed"].ToArray<double>(), Is.EqualTo(new double[] { 0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11 }));
            Assert.That(sd["scalar"].Dim, Is.EqualTo(0));
            Assert.That(sd["scalar"].Item<float>(), Is.EqualTo(3.5f));
        }
        finally
        {
            foreach (var t in sd.Values) t.Dispose();
        }
    }

    [Test]
    public void ReadsAPlainDictWithANonTensorValue()
    {
        // {"w": tensor([[1., 2.]]), "n": 3}: a plain dict (EMPTY_DICT), the int is skipped.
        var sd = TorchSave.LoadStateDict(DataFile("torch_save_plain_dict.pt"));
        try
        {
            Assert.That(sd.Keys, Is.EqualTo(new[] { "w" }));
            Assert.That(sd["w"].Shape, Is.EqualTo(new long[] { 1, 2 }));
            Assert.That(sd["w"].ToArray<float>(), Is.EqualTo(new[] { 1f, 2f }));
        }
        finally
        {
            foreach (var t in sd.Values) t.Dispose();
        }
    }

    [Test]
    public void TorchSaveErrorsNameTheFile()
    {
        string path = Path.Combine(_dir, "not-a-zip.pt");
        File.WriteAllText(path, "hello");
        var ex = Assert.Throws<InvalidDataException>(() => TorchSave.LoadStateDict(path))!;
        Assert.That(ex.Message, Does.Contain("not-a-zip.pt"));
        Assert.Throws<FileNotFoundException>(() => TorchSave.LoadStateDict(Path.Combine(_dir, "missing.pt")));
    }
}
