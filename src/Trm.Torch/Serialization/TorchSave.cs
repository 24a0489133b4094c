using System.IO.Compression;
using System.Runtime.InteropServices;
using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch.Serialization;

/// <summary>
/// Import of PyTorch <c>torch.save</c> files (the zip format, default since PyTorch 1.6). The pickle stream is read by a small
/// restricted unpickler (dicts, OrderedDicts, lists, tuples, scalars, tensor rebuilds) because libtorch 1.13's unpickler turns
/// <c>collections.OrderedDict</c> — the type of every state_dict — into None; anything that reader does not handle falls back to
/// libtorch's own <c>torch::jit::pickle_load</c>.
/// </summary>
public static class TorchSave
{
    /// <summary>
    /// Loads the tensors of a <c>torch.save(state_dict)</c> file by name onto the CPU. Nested dictionaries and lists are flattened
    /// with dots ("state.0.exp_avg"); non-tensor values are skipped. Views keep sharing their storage. The caller owns the tensors.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a torch.save zip archive or is damaged (the message names the file).</exception>
    /// <exception cref="TorchException">The fallback libtorch loader failed.</exception>
    public static Dictionary<string, Tensor> LoadStateDict(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"torch.save file not found: {path}", path);
        try
        {
            return LoadManaged(path);
        }
        catch (NotSupportedException)
        {
            return LoadNative(path);
        }
    }

    internal static Dictionary<string, Tensor> LoadManaged(string path)
    {
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
            ZipArchiveEntry pkl = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) || e.FullName == "data.pkl")
                ?? throw new InvalidDataException($"{path}: zip archive has no data.pkl record");
            string prefix = pkl.FullName[..^"data.pkl".Length];
            object? root = TorchPickle.Load(ReadEntry(pkl), $"{path}:{pkl.FullName}");
            var refs = new List<KeyValuePair<string, TorchPickle.TensorRef>>();
            Flatten(root, string.Empty, refs);

            var storages = new Dictionary<string, Tensor>();
            var result = new Dictionary<string, Tensor>();
            using var scope = Engine.NewDisposeScope();
            try
            {
                foreach (var (name, r) in refs)
                {
                    if (!storages.TryGetValue(r.Storage.Key, out Tensor? storage))
                    {
                        ZipArchiveEntry entry = zip.GetEntry($"{prefix}data/{r.Storage.Key}")
                            ?? throw new InvalidDataException($"{path}: storage record data/{r.Storage.Key} of tensor '{name}' is missing");
                        byte[] bytes = ReadEntry(entry);
                        long numel = bytes.Length / r.Storage.DType.ElementSize();
                        storage = Tensors.FromBytes(bytes.AsSpan(0, checked((int)(numel * r.Storage.DType.ElementSize()))), r.Storage.DType, [numel]);
                        storages[r.Storage.Key] = storage;
                    }
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

    private static byte[] ReadEntry(ZipArchiveEntry entry)
    {
        using var s = entry.Open();
        var buf = new byte[entry.Length];
        s.ReadExactly(buf);
        return buf;
    }

    private static void Flatten(object? value, string prefix, List<KeyValuePair<string, TorchPickle.TensorRef>> output)
    {
        string Join(string key) => prefix.Length == 0 ? key : $"{prefix}.{key}";
        switch (value)
        {
            case TorchPickle.TensorRef t:
                output.Add(new(prefix, t));
                break;
            case TorchPickle.PickleDict d:
                foreach (var (k, v) in d) Flatten(v, Join(Convert.ToString(k, System.Globalization.CultureInfo.InvariantCulture) ?? "None"), output);
                break;
            case List<object?> list:
                for (int i = 0; i < list.Count; i++) Flatten(list[i], Join(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), output);
                break;
            case object?[] tuple:
                for (int i = 0; i < tuple.Length; i++) Flatten(tuple[i], Join(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), output);
                break;
            // scalars, strings, None: no tensors
        }
    }

    internal static unsafe Dictionary<string, Tensor> LoadNative(string path)
    {
        int count;
        IntPtr* names;
        IntPtr* handles;
        if (trm_torch_load(Path.GetFullPath(path), &count, &names, &handles) < 0)
        {
            var e = TakeError("torch_load");
            throw new TorchException("torch_load", $"{path}: {e.NativeMessage}");
        }
        var loadedNames = new string[count];
        var tensors = new Tensor[count];
        try
        {
            for (int i = 0; i < count; i++)
            {
                loadedNames[i] = Marshal.PtrToStringUTF8(names[i]) ?? string.Empty;
                trm_free(names[i]);
                tensors[i] = new Tensor(handles[i]).DetachFromDisposeScope();
            }
        }
        finally
        {
            trm_free((IntPtr)names);
            trm_free((IntPtr)handles);
        }
        var result = new Dictionary<string, Tensor>(count);
        for (int i = 0; i < count; i++)
        {
            if (result.TryAdd(loadedNames[i], tensors[i])) continue;
            foreach (var t in tensors) t.Dispose();
            throw new InvalidDataException($"{path}: duplicate tensor name '{loadedNames[i]}' after flattening");
        }
        return result;
    }
}
