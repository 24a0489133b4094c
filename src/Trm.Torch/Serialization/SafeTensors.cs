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
    /// the tensors, or take ownership of some with <see cref="SafeTensorsFile.Take"/>. The whole header is validated before any
    /// tensor is allocated: its length against the file, unique names, known dtypes, shapes whose byte size fits 64 bits and
    /// equals the data range, and ranges that lie inside the data section without overlapping.
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
        try
        {
            basePtr += view.PointerOffset;
            ulong headerLen = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(basePtr, 8));
            CheckHeaderLength(path, headerLen, fileLength);
            var header = ParseHeader(path, new ReadOnlySpan<byte>(basePtr + 8, (int)headerLen).ToArray(), fileLength - 8 - (long)headerLen);
            long dataStart = 8 + (long)headerLen;
            foreach (var e in header.Entries)
            {
                var bytes = new ReadOnlySpan<byte>(basePtr + dataStart + e.Begin, checked((int)(e.End - e.Begin)));
                tensors[e.Name] = Tensors.FromBytes(bytes, e.DType, e.Shape, device).DetachFromDisposeScope();
            }
            return new SafeTensorsFile(tensors, header.Metadata);
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
    }

    private sealed record Entry(string Name, DType DType, long[] Shape, long Begin, long End);

    private sealed record Header(List<Entry> Entries, Dictionary<string, string> Metadata);

    private static void CheckHeaderLength(string path, ulong headerLen, long fileLength)
    {
        if (headerLen < 2) throw Bad(path, $"header length {headerLen} is too small for a JSON object");
        if (headerLen > MaxHeaderBytes) throw Bad(path, $"header length {headerLen} exceeds the {MaxHeaderBytes}-byte limit");
        if (headerLen > (ulong)(fileLength - 8)) throw Bad(path, $"header length {headerLen} exceeds the file ({fileLength} bytes)");
    }

    /// <summary>Parses and validates the whole header (names, dtypes, shapes, ranges) against a data section of <paramref name="dataLength"/> bytes.</summary>
    private static Header ParseHeader(string path, byte[] json, long dataLength)
    {
        // JsonDocument does not check the UTF-8 of strings until they are read (found by fuzzing: InvalidOperationException).
        if (!System.Text.Unicode.Utf8.IsValid(json)) throw Bad(path, "header is not valid UTF-8");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw Bad(path, $"header is not valid JSON ({e.Message})");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad(path, "header is not a JSON object");
            var entries = new List<Entry>();
            var meta = new Dictionary<string, string>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty prop in doc.RootElement.EnumerateObject())
            {
                if (!names.Add(prop.Name)) throw Bad(path, $"tensor '{prop.Name}' appears twice in the header");
                if (prop.Name == MetadataKey)
                {
                    ReadMetadataObject(path, prop.Value, meta);
                    continue;
                }
                var (dtype, shape, begin, end) = ParseEntry(path, prop);
                long numel = 1, bytes;
                try
                {
                    foreach (long d in shape) numel = checked(numel * d);
                    bytes = checked(numel * dtype.ElementSize());
                }
                catch (OverflowException)
                {
                    throw Bad(path, $"tensor '{prop.Name}': shape [{string.Join(", ", shape)}] of {dtype} has more bytes than a 64-bit size");
                }
                if (end - begin != bytes)
                    throw Bad(path, $"tensor '{prop.Name}': data_offsets [{begin}, {end}] hold {end - begin} bytes but {dtype} [{string.Join(", ", shape)}] needs {bytes}");
                if (end > dataLength)
                    throw Bad(path, $"tensor '{prop.Name}': data_offsets end {end} is past the data section ({dataLength} bytes)");
                if (bytes > int.MaxValue)
                    throw Bad(path, $"tensor '{prop.Name}': {bytes} bytes; tensors over 2 GiB are not supported by this reader");
                entries.Add(new Entry(prop.Name, dtype, shape, begin, end));
            }
            Entry? previous = null;
            foreach (var e in entries.Where(e => e.End > e.Begin).OrderBy(e => e.Begin))
            {
                if (previous is not null && e.Begin < previous.End)
                    throw Bad(path, $"tensors '{previous.Name}' [{previous.Begin}, {previous.End}) and '{e.Name}' [{e.Begin}, {e.End}) share bytes");
                previous = e;
            }
            return new Header(entries, meta);
        }
    }

    private static void ReadMetadataObject(string path, JsonElement value, Dictionary<string, string> meta)
    {
        if (value.ValueKind != JsonValueKind.Object) throw Bad(path, "__metadata__ is not an object");
        foreach (JsonProperty m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String) throw Bad(path, $"__metadata__ value '{m.Name}' is not a string");
            if (!meta.TryAdd(m.Name, m.Value.GetString()!)) throw Bad(path, $"__metadata__ key '{m.Name}' appears twice");
        }
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

    /// <summary>Reads only the string metadata of a safetensors file (the header is validated as by <see cref="Load"/>).</summary>
    /// <exception cref="InvalidDataException">The file is malformed (the message names the file).</exception>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var fs = File.OpenRead(path);
        if (fs.Length < 8) throw Bad(path, $"file is {fs.Length} bytes, shorter than the 8-byte header length");
        Span<byte> len = stackalloc byte[8];
        fs.ReadExactly(len);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(len);
        CheckHeaderLength(path, n, fs.Length);
        var buf = new byte[n];
        fs.ReadExactly(buf);
        return ParseHeader(path, buf, fs.Length - 8 - (long)n).Metadata;
    }
}
