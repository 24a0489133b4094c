using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Text;
using System.Text.Json;

namespace Trm.Torch.Serialization;

/// <summary>
/// The safetensors format (interoperable with Python's safetensors): 8-byte little-endian header length, a JSON header
/// mapping names to {dtype, shape, data_offsets} (plus optional "__metadata__" of strings), then the raw little-endian data.
/// </summary>
public static class SafeTensors
{
    private const string MetadataKey = "__metadata__";
    private const long MaxHeaderBytes = 100L << 20;

    internal static string Code(DType dtype) => dtype switch
    {
        DType.Float32 => "F32",
        DType.Float64 => "F64",
        DType.BFloat16 => "BF16",
        DType.Float16 => "F16",
        DType.Int64 => "I64",
        DType.Int32 => "I32",
        DType.UInt8 => "U8",
        DType.Bool => "BOOL",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "no safetensors code"),
    };

    internal static DType? FromCode(string code) => code switch
    {
        "F32" => DType.Float32,
        "F64" => DType.Float64,
        "BF16" => DType.BFloat16,
        "F16" => DType.Float16,
        "I64" => DType.Int64,
        "I32" => DType.Int32,
        "U8" => DType.UInt8,
        "BOOL" => DType.Bool,
        _ => null,
    };

    /// <summary>
    /// Writes <paramref name="tensors"/> (any device; copied to the CPU) and optional string metadata to <paramref name="path"/>
    /// atomically (a temporary file in the same folder, then a rename). Tensors are laid out in name order.
    /// </summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.ContainsKey(MetadataKey)) throw new ArgumentException($"'{MetadataKey}' is reserved and cannot name a tensor", nameof(tensors));
        var names = tensors.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
        var header = new MemoryStream();
        long offset = 0;
        var sizes = new long[names.Length];
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) json.WriteString(k, v);
                json.WriteEndObject();
            }
            for (int i = 0; i < names.Length; i++)
            {
                Tensor t = tensors[names[i]];
                sizes[i] = t.NumEl * t.DType.ElementSize();
                json.WriteStartObject(names[i]);
                json.WriteString("dtype", Code(t.DType));
                json.WriteStartArray("shape");
                foreach (long d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + sizes[i]);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += sizes[i];
            }
            json.WriteEndObject();
        }
        // Pad the header with spaces to a multiple of 8 so the data is aligned (as the reference writer does).
        while (header.Length % 8 != 0) header.WriteByte((byte)' ');

        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        string temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                Span<byte> len = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)header.Length);
                fs.Write(len);
                header.Position = 0;
                header.CopyTo(fs);
                for (int i = 0; i < names.Length; i++) WriteData(fs, tensors[names[i]], sizes[i]);
                fs.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { }
            throw;
        }
    }

    private static unsafe void WriteData(Stream stream, Tensor t, long size)
    {
        if (size == 0) return;
        using var scope = Engine.NewDisposeScope();
        Tensor cpu = t.Device.Type == DeviceType.Cpu ? t.Contiguous() : t.To(Device.Cpu).Contiguous();
        byte* p = (byte*)Native.NativeMethods.Check(Native.NativeMethods.trm_tensor_data_ptr(cpu.Handle), "data_ptr");
        for (long done = 0; done < size;)
        {
            int chunk = (int)Math.Min(size - done, 1 << 26);
            stream.Write(new ReadOnlySpan<byte>(p + done, chunk));
            done += chunk;
        }
        GC.KeepAlive(cpu);
    }

    /// <summary>
    /// Reads every tensor of a safetensors file (optionally moving them to <paramref name="device"/>). Dispose the result to free
    /// the tensors, or take ownership of some with <see cref="SafeTensorsFile.Take"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is malformed (the message names the file and the tensor).</exception>
    public static unsafe SafeTensorsFile Load(string path, Device? device = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"safetensors file not found: {path}", path);
        long fileLength = info.Length;
        if (fileLength < 8) throw Bad(path, $"file is {fileLength} bytes, shorter than the 8-byte header length");
        using var mmf = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = mmf.CreateViewAccessor(0, fileLength, MemoryMappedFileAccess.Read);
        byte* basePtr = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref basePtr);
        var tensors = new Dictionary<string, Tensor>();
        var meta = new Dictionary<string, string>();
        try
        {
            basePtr += view.PointerOffset;
            ulong headerLen = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(basePtr, 8));
            if (headerLen > (ulong)Math.Min(MaxHeaderBytes, fileLength - 8))
                throw Bad(path, $"header length {headerLen} exceeds the file ({fileLength} bytes)");
            var headerSpan = new ReadOnlySpan<byte>(basePtr + 8, (int)headerLen);
            long dataStart = 8 + (long)headerLen;
            long dataLength = fileLength - dataStart;
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(headerSpan.ToArray());
            }
            catch (JsonException e)
            {
                throw Bad(path, $"header is not valid JSON ({e.Message})");
            }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad(path, "header is not a JSON object");
                foreach (JsonProperty prop in doc.RootElement.EnumerateObject())
                {
                    if (prop.Name == MetadataKey)
                    {
                        if (prop.Value.ValueKind != JsonValueKind.Object) throw Bad(path, "__metadata__ is not an object");
                        foreach (JsonProperty m in prop.Value.EnumerateObject())
                        {
                            if (m.Value.ValueKind != JsonValueKind.String) throw Bad(path, $"__metadata__ value '{m.Name}' is not a string");
                            meta[m.Name] = m.Value.GetString()!;
                        }
                        continue;
                    }
                    var (dtype, shape, begin, end) = ParseEntry(path, prop);
                    long numel = 1;
                    foreach (long d in shape) numel *= d;
                    if (end - begin != numel * dtype.ElementSize())
                        throw Bad(path, $"tensor '{prop.Name}': data_offsets [{begin}, {end}] hold {end - begin} bytes but {dtype} [{string.Join(", ", shape)}] needs {numel * dtype.ElementSize()}");
                    if (end > dataLength)
                        throw Bad(path, $"tensor '{prop.Name}': data_offsets end {end} is past the data section ({dataLength} bytes)");
                    var bytes = new ReadOnlySpan<byte>(basePtr + dataStart + begin, checked((int)(end - begin)));
                    tensors[prop.Name] = Tensors.FromBytes(bytes, dtype, shape, device).DetachFromDisposeScope();
                }
            }
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
        return new SafeTensorsFile(tensors, meta);
    }

    private static (DType, long[], long, long) ParseEntry(string path, JsonProperty prop)
    {
        JsonElement e = prop.Value;
        if (e.ValueKind != JsonValueKind.Object) throw Bad(path, $"tensor '{prop.Name}': entry is not an object");
        if (!e.TryGetProperty("dtype", out JsonElement dt) || dt.ValueKind != JsonValueKind.String)
            throw Bad(path, $"tensor '{prop.Name}': field 'dtype' is missing");
        DType dtype = FromCode(dt.GetString()!) ?? throw Bad(path, $"tensor '{prop.Name}': field 'dtype' has unsupported value '{dt.GetString()}'");
        if (!e.TryGetProperty("shape", out JsonElement sh) || sh.ValueKind != JsonValueKind.Array)
            throw Bad(path, $"tensor '{prop.Name}': field 'shape' is missing");
        var shape = new long[sh.GetArrayLength()];
        int i = 0;
        foreach (JsonElement d in sh.EnumerateArray())
        {
            if (!d.TryGetInt64(out long v) || v < 0) throw Bad(path, $"tensor '{prop.Name}': field 'shape' has an invalid size");
            shape[i++] = v;
        }
        if (!e.TryGetProperty("data_offsets", out JsonElement off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw Bad(path, $"tensor '{prop.Name}': field 'data_offsets' must be [begin, end]");
        if (!off[0].TryGetInt64(out long begin) || !off[1].TryGetInt64(out long end) || begin < 0 || end < begin)
            throw Bad(path, $"tensor '{prop.Name}': field 'data_offsets' is not a valid [begin, end] pair");
        return (dtype, shape, begin, end);
    }

    private static InvalidDataException Bad(string path, string what) => new($"{path}: invalid safetensors file: {what}");

    /// <summary>Reads only the string metadata of a safetensors file.</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        using var fs = File.OpenRead(path);
        Span<byte> len = stackalloc byte[8];
        fs.ReadExactly(len);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(len);
        if (n > (ulong)Math.Min(MaxHeaderBytes, fs.Length - 8)) throw Bad(path, $"header length {n} exceeds the file");
        var buf = new byte[n];
        fs.ReadExactly(buf);
        using var doc = JsonDocument.Parse(buf);
        var meta = new Dictionary<string, string>();
        if (doc.RootElement.TryGetProperty(MetadataKey, out JsonElement m))
            foreach (JsonProperty p in m.EnumerateObject()) meta[p.Name] = p.Value.GetString() ?? string.Empty;
        return meta;
    }
}
