using System.Text;
using Trm.Data;
using Trm.Data.Npy;
using Trm.Data.Readers;
using Trm.Tokenization;
using Trm.Torch.Serialization;

namespace Trm.Fuzz;

/// <summary>
/// One fuzz target per parser. Each feeds the input to the reader and lets only the documented failure (the reader's
/// error for a malformed file) through; any other exception, a crash, a hang or a failed property is a finding.
/// </summary>
public static class FuzzTargets
{
    /// <summary>The targets by name.</summary>
    public static readonly IReadOnlyDictionary<string, Action<byte[]>> All = new Dictionary<string, Action<byte[]>>
    {
        ["safetensors"] = SafeTensorsFile,
        ["torchsave"] = TorchSaveFile,
        ["npy"] = NpyStream,
        ["chat"] = ChatRecords,
        ["gpt2"] = Gpt2RoundTrip,
    };

    private static readonly string Scratch = Path.Combine(Path.GetTempPath(), $"trm-fuzz-{Environment.ProcessId}");

    private static string WriteScratch(string name, byte[] data)
    {
        Directory.CreateDirectory(Scratch);
        var path = Path.Combine(Scratch, name);
        File.WriteAllBytes(path, data);
        return path;
    }

    /// <summary>safetensors: <see cref="SafeTensors.Load"/> either reads the file or throws <see cref="InvalidDataException"/>.</summary>
    public static void SafeTensorsFile(byte[] data)
    {
        var path = WriteScratch("in.safetensors", data);
        try
        {
            using var file = SafeTensors.Load(path);
        }
        catch (InvalidDataException)
        {
        }
    }

    /// <summary>torch.save: <see cref="TorchSave.LoadStateDict"/> either reads the tensors or throws <see cref="InvalidDataException"/>.</summary>
    public static void TorchSaveFile(byte[] data)
    {
        var path = WriteScratch("in.pt", data);
        try
        {
            foreach (var t in TorchSave.LoadStateDict(path).Values) t.Dispose();
        }
        catch (InvalidDataException)
        {
        }
    }

    /// <summary>NPY: <see cref="NpyFile.Read(Stream, string?)"/> either reads the array or throws <see cref="TrmDataException"/>.</summary>
    public static void NpyStream(byte[] data)
    {
        try
        {
            NpyFile.Read(new MemoryStream(data), "in.npy");
        }
        catch (TrmDataException)
        {
        }
    }

    /// <summary>Chat records (format detected: Alpaca, Dolly, ShareGPT, OpenAssistant, OASST trees): read or <see cref="TrmDataException"/>.</summary>
    public static void ChatRecords(byte[] data)
    {
        var path = WriteScratch("in.jsonl", data);
        try
        {
            foreach (var _ in new ChatFileReader(path).Read()) { }
        }
        catch (TrmDataException)
        {
        }
    }

    private static readonly Lazy<Tokenizer> Gpt2 = new(() => Tokenizer.FromName("gpt2"));

    /// <summary>GPT-2 BPE: any text (the input decoded as UTF-8 with replacement) encodes and decodes back to itself.</summary>
    public static void Gpt2RoundTrip(byte[] data)
    {
        var text = Encoding.UTF8.GetString(data);
        var ids = Gpt2.Value.EncodeToIds(text, AllowedSpecialTokens.All);
        var back = Gpt2.Value.Decode(ids);
        if (back != text) throw new InvalidOperationException($"GPT-2 round trip changed the text: {Convert.ToHexString(data)}");
    }
}
