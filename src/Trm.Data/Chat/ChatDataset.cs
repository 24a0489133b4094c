using System.Buffers.Binary;
using Trm.Data.TokenStream;

namespace Trm.Data.Chat;

/// <summary>A chat dataset folder opened for reading: <c>dataset.json</c> and the train/val splits.</summary>
public sealed class ChatDataset : IDisposable
{
    private readonly Dictionary<string, ChatDatasetSplit> _splits;

    private ChatDataset(string directory, ChatDatasetInfo info, Dictionary<string, ChatDatasetSplit> splits)
    {
        Directory = directory;
        Info = info;
        _splits = splits;
    }

    /// <summary>The folder.</summary>
    public string Directory { get; }

    /// <summary>The metadata.</summary>
    public ChatDatasetInfo Info { get; }

    /// <summary>The training examples.</summary>
    public ChatDatasetSplit Train => _splits["train"];

    /// <summary>The validation examples.</summary>
    public ChatDatasetSplit Val => _splits["val"];

    /// <summary>Whether <paramref name="directory"/> holds a chat dataset.</summary>
    public static bool Exists(string directory)
        => File.Exists(Path.Combine(directory, ChatDatasetInfo.FileName)) && File.Exists(Path.Combine(directory, ChatDatasetFiles.Offsets("train")));

    /// <summary>Opens <paramref name="directory"/>, checking that the files agree with each other.</summary>
    /// <exception cref="TrmDataException">A file is missing or its size disagrees.</exception>
    public static ChatDataset Open(string directory)
    {
        var info = ChatDatasetInfo.Load(directory);
        var splits = new Dictionary<string, ChatDatasetSplit>();
        try
        {
            foreach (var split in ChatDatasetFiles.Splits)
                splits[split] = ChatDatasetSplit.Open(directory, split, TokenDtypes.Parse(info.Dtype));
        }
        catch
        {
            foreach (var split in splits.Values)
                split.Dispose();
            throw;
        }
        return new ChatDataset(directory, info, splits);
    }

    /// <summary>Releases the memory-mapped files.</summary>
    public void Dispose()
    {
        foreach (var split in _splits.Values)
            split.Dispose();
    }
}

/// <summary>One split of a chat dataset: examples as (ids, loss mask). Thread-safe reads.</summary>
public sealed class ChatDatasetSplit : IDisposable
{
    private readonly TokenStreamFile _tokens;
    private readonly byte[] _mask;
    private readonly long[] _offsets;

    private ChatDatasetSplit(string name, TokenStreamFile tokens, byte[] mask, long[] offsets)
    {
        Name = name;
        _tokens = tokens;
        _mask = mask;
        _offsets = offsets;
    }

    /// <summary><c>train</c> or <c>val</c>.</summary>
    public string Name { get; }

    /// <summary>Number of examples.</summary>
    public int Count => _offsets.Length - 1;

    /// <summary>Number of tokens over all examples.</summary>
    public long TokenCount => _offsets[^1];

    /// <summary>The length of example <paramref name="index"/> in tokens.</summary>
    public int Length(int index) => (int)(_offsets[index + 1] - _offsets[index]);

    /// <summary>Example <paramref name="index"/>: its ids and per-token loss mask (1 = trained).</summary>
    public (int[] Ids, byte[] LossMask) this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            var start = _offsets[index];
            var ids = new int[Length(index)];
            _tokens.CopyTo(start, ids);
            return (ids, _mask.AsSpan((int)start, ids.Length).ToArray());
        }
    }

    internal void CopyTokens(long start, Span<int> destination) => _tokens.CopyTo(start, destination);

    internal ReadOnlySpan<byte> MaskSpan(long start, int length) => _mask.AsSpan((int)start, length);

    internal long Offset(int index) => _offsets[index];

    internal static ChatDatasetSplit Open(string directory, string name, TokenDtype dtype)
    {
        var offsetsPath = Path.Combine(directory, ChatDatasetFiles.Offsets(name));
        var maskPath = Path.Combine(directory, ChatDatasetFiles.Mask(name));
        foreach (var path in new[] { offsetsPath, maskPath })
        {
            if (!File.Exists(path))
                throw new TrmDataException("file not found", path, null, null);
        }
        var raw = File.ReadAllBytes(offsetsPath);
        if (raw.Length % 8 != 0 || raw.Length == 0)
            throw new TrmDataException($"size {raw.Length} is not a positive multiple of 8", offsetsPath, null, null);
        var offsets = new long[raw.Length / 8];
        for (var i = 0; i < offsets.Length; i++)
            offsets[i] = BinaryPrimitives.ReadInt64LittleEndian(raw.AsSpan(i * 8));
        for (var i = 1; i < offsets.Length; i++)
        {
            if (offsets[i] < offsets[i - 1])
                throw new TrmDataException($"offsets decrease at entry {i}", offsetsPath, null, null);
        }
        var mask = File.ReadAllBytes(maskPath);
        var tokens = new TokenStreamFile(Path.Combine(directory, ChatDatasetFiles.Tokens(name)), dtype);
        if (tokens.Length != offsets[^1] || mask.Length != offsets[^1])
        {
            tokens.Dispose();
            throw new TrmDataException($"the offsets end at {offsets[^1]} but there are {tokens.Length} tokens and {mask.Length} mask bytes", offsetsPath, null, null);
        }
        return new ChatDatasetSplit(name, tokens, mask, offsets);
    }

    /// <summary>Unmaps the token file.</summary>
    public void Dispose() => _tokens.Dispose();
}
