using System.IO.Compression;

namespace Trm.Torch.Serialization;

/// <summary>
/// Import of PyTorch <c>torch.save</c> files (the zip format, default since PyTorch 1.6). The pickle stream is read by our own
/// weights-only unpickler (<see cref="TorchPickle"/>): dicts, OrderedDicts, lists, tuples, scalars, tensor and parameter rebuilds
/// and storages, and no other global. Untrusted bytes never reach libtorch's own unpickler. Every size is checked against the
/// archive before memory is allocated.
/// </summary>
public static class TorchSave
{
    /// <summary>At most this many values are visited while flattening (a state dict is a tree; a hostile pickle can be a DAG).</summary>
    private const long MaxVisits = 1_000_000;

    /// <summary>
    /// Loads the tensors of a <c>torch.save(state_dict)</c> file by name onto the CPU. Nested dictionaries and lists are flattened
    /// with dots ("state.0.exp_avg"); non-tensor values are skipped. Views keep sharing their storage. The caller owns the tensors.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a torch.save zip archive, is damaged, holds no tensor, or references a
    /// global that a weights-only load refuses (the message names the file, the record and the byte offset of the opcode).</exception>
    public static Dictionary<string, Tensor> LoadStateDict(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"torch.save file not found: {path}", path);
        return LoadManaged(path);
    }

    internal static Dictionary<string, Tensor> LoadManaged(string path)
    {
        long fileLength = new FileInfo(path).Length;
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: not a torch.save zip archive ({e.Message}); legacy (pre-1.6) files are not supported", e);
        }
        using (zip)
        {
            ZipArchiveEntry pkl = FindPickle(path, zip);
            string prefix = pkl.FullName[..^"data.pkl".Length];
            CheckByteOrder(path, zip, prefix, fileLength);
            object? root = TorchPickle.Load(ReadEntry(path, pkl, fileLength, null), $"{path}:{pkl.FullName}");
            if (root is not (TorchPickle.PickleDict or TorchPickle.PickleList or TorchPickle.PickleTuple))
                throw new InvalidDataException($"{path}:{pkl.FullName}: the pickled object is not a dict, list or tuple of tensors (a state dict)");
            var refs = new List<KeyValuePair<string, TorchPickle.TensorRef>>();
            long visits = 0;
            Flatten(path, root, string.Empty, 0, ref visits, refs);
            if (refs.Count == 0)
                throw new InvalidDataException($"{path}:{pkl.FullName}: the pickled state dict holds no tensors");

            var storages = new Dictionary<string, Tensor>();
            var result = new Dictionary<string, Tensor>();
            using var scope = Engine.NewDisposeScope();
            try
            {
                foreach (var (name, r) in refs)
                {
                    if (!storages.TryGetValue(r.Storage.Key, out Tensor? storage))
                    {
                        storage = LoadStorage(path, zip, prefix, name, r.Storage, fileLength);
                        storages[r.Storage.Key] = storage;
                    }
                    else if (storage.DType != r.Storage.DType || storage.NumEl != r.Storage.Numel)
                    {
                        throw new InvalidDataException($"{path}: tensor '{name}' reads storage data/{r.Storage.Key} as {r.Storage.Numel} x {r.Storage.DType}, but another tensor reads it as {storage.NumEl} x {storage.DType}");
                    }
                    CheckView(path, name, r);
                    Tensor t = storage.AsStrided(r.Size, r.Stride, r.Offset).DetachFromDisposeScope();
                    if (!result.TryAdd(name, t))
                    {
                        t.Dispose();
                        throw new InvalidDataException($"{path}: duplicate tensor name '{name}' after flattening");
                    }
                }
            }
            catch
            {
                foreach (var t in result.Values) t.Dispose();
                throw;
            }
            return result;
        }
    }

    private static ZipArchiveEntry FindPickle(string path, ZipArchive zip)
    {
        ZipArchiveEntry? found = null;
        foreach (ZipArchiveEntry e in zip.Entries)
        {
            bool topLevel = e.FullName == "data.pkl" || (e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.IndexOf('/') == e.FullName.Length - "/data.pkl".Length);
            if (!topLevel) continue;
            if (found is not null) throw new InvalidDataException($"{path}: zip archive has two data.pkl records ({found.FullName}, {e.FullName})");
            found = e;
        }
        return found ?? throw new InvalidDataException($"{path}: zip archive has no data.pkl record");
    }

    private static void CheckByteOrder(string path, ZipArchive zip, string prefix, long fileLength)
    {
        ZipArchiveEntry? entry = zip.GetEntry($"{prefix}byteorder");
        if (entry is null) return; // before PyTorch 2.1: always little-endian
        if (entry.Length > 16) throw new InvalidDataException($"{path}: record {entry.FullName} is {entry.Length} bytes, not 'little' or 'big'");
        string order = System.Text.Encoding.ASCII.GetString(ReadEntry(path, entry, fileLength, null)).Trim();
        if (order != "little")
            throw new InvalidDataException($"{path}: record {entry.FullName} says '{order}'; only little-endian files are supported");
    }

    private static Tensor LoadStorage(string path, ZipArchive zip, string prefix, string name, TorchPickle.StorageRef s, long fileLength)
    {
        string record = $"{prefix}data/{s.Key}";
        ZipArchiveEntry entry = zip.GetEntry(record)
            ?? throw new InvalidDataException($"{path}: storage record {record} of tensor '{name}' is missing");
        long need;
        try
        {
            need = checked(s.Numel * s.DType.ElementSize());
        }
        catch (OverflowException)
        {
            throw new InvalidDataException($"{path}: storage record {record} of tensor '{name}' claims {s.Numel} elements of {s.DType}, more bytes than a 64-bit size");
        }
        if (entry.Length != need)
            throw new InvalidDataException($"{path}: storage record {record} of tensor '{name}' holds {entry.Length} bytes but the pickle declares {s.Numel} x {s.DType} = {need} bytes");
        byte[] bytes = ReadEntry(path, entry, fileLength, name);
        return Tensors.FromBytes(bytes, s.DType, [s.Numel]);
    }

    private static void CheckView(string path, string name, TorchPickle.TensorRef r)
    {
        long numel = r.Storage.Numel;
        try
        {
            long viewNumel = 1, last = r.Offset;
            for (int i = 0; i < r.Size.Length; i++)
            {
                viewNumel = checked(viewNumel * r.Size[i]);
                if (r.Size[i] > 0) last = checked(last + (r.Size[i] - 1) * r.Stride[i]);
            }
            if (viewNumel == 0) return;
            if (last >= numel)
                throw new InvalidDataException($"{path}: tensor '{name}' (size [{string.Join(", ", r.Size)}], stride [{string.Join(", ", r.Stride)}], offset {r.Offset}) reaches element {last} of storage data/{r.Storage.Key}, which has {numel}");
            if (viewNumel > Math.Max(numel, 1) * 16)
                throw new InvalidDataException($"{path}: tensor '{name}' views {viewNumel} elements over a storage of {numel} (broadcast views over 16x their storage are refused)");
        }
        catch (OverflowException)
        {
            throw new InvalidDataException($"{path}: tensor '{name}' has a size/stride whose extent overflows 64 bits");
        }
    }

    /// <summary>Reads a record whose declared size was checked: stored records cannot exceed the file, compressed ones the deflate ratio.</summary>
    private static byte[] ReadEntry(string path, ZipArchiveEntry entry, long fileLength, string? tensor)
    {
        string what = tensor is null ? $"record {entry.FullName}" : $"storage record {entry.FullName} of tensor '{tensor}'";
        long limit = entry.CompressedLength == entry.Length ? fileLength : Math.Min(entry.CompressedLength, fileLength) * 1032L;
        if (entry.Length > limit || entry.Length > Array.MaxLength)
            throw new InvalidDataException($"{path}: {what} declares {entry.Length} bytes, more than the {fileLength}-byte archive can hold");
        var buf = new byte[entry.Length];
        try
        {
            using var s = entry.Open();
            s.ReadExactly(buf);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{path}: {what} is shorter than its declared {entry.Length} bytes (truncated archive)");
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {what} is damaged ({e.Message})", e);
        }
        return buf;
    }

    private static void Flatten(string path, object? value, string prefix, int depth, ref long visits, List<KeyValuePair<string, TorchPickle.TensorRef>> output)
    {
        if (++visits > MaxVisits) throw new InvalidDataException($"{path}: the pickled object has more than {MaxVisits} values (shared sub-objects repeated?)");
        if (depth > TorchPickle.MaxDepth) throw new InvalidDataException($"{path}: the pickled object nests deeper than {TorchPickle.MaxDepth} levels (or refers to itself) at '{prefix}'");
        string Join(string key) => prefix.Length == 0 ? key : $"{prefix}.{key}";
        switch (value)
        {
            case TorchPickle.TensorRef t:
                output.Add(new(prefix, t));
                break;
            case TorchPickle.PickleDict d:
                foreach (var (k, v) in d.Items) Flatten(path, v, Join(Convert.ToString(k, System.Globalization.CultureInfo.InvariantCulture) ?? "None"), depth + 1, ref visits, output);
                break;
            case TorchPickle.PickleList list:
                for (int i = 0; i < list.Items.Count; i++) Flatten(path, list.Items[i], Join(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), depth + 1, ref visits, output);
                break;
            case TorchPickle.PickleTuple tuple:
                for (int i = 0; i < tuple.Items.Length; i++) Flatten(path, tuple.Items[i], Join(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), depth + 1, ref visits, output);
                break;
                // scalars, strings, None: no tensors
        }
    }
}
