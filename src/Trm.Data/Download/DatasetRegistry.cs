using Trm.Data.Chat;

namespace Trm.Data.Download;

/// <summary>The public chat datasets <c>trm data download</c> knows.</summary>
public static class DatasetRegistry
{
    /// <summary>Stanford Alpaca (52k instruction/input/output records, one JSON list).</summary>
    public static KnownDataset Alpaca { get; } = new(
        "alpaca", "Stanford Alpaca: 52,002 instruction-following records (JSON list)",
        new Uri("https://raw.githubusercontent.com/tatsu-lab/stanford_alpaca/main/alpaca_data.json"),
        "alpaca_data.json", ChatFormat.Alpaca, "CC BY-NC 4.0");

    /// <summary>Databricks Dolly-15k (JSONL), pinned to revision bdd27f4d94b9c1f951818a7da7fd7aeea5dbff1a, whose size and hash these are.</summary>
    public static KnownDataset Dolly { get; } = new(
        "dolly", "Databricks Dolly-15k: 15,011 human-written instruction/response records (JSONL)",
        new Uri("https://huggingface.co/datasets/databricks/databricks-dolly-15k/resolve/bdd27f4d94b9c1f951818a7da7fd7aeea5dbff1a/databricks-dolly-15k.jsonl"),
        "databricks-dolly-15k.jsonl", ChatFormat.Dolly, "CC BY-SA 3.0")
    {
        Size = 13_085_339,
        Sha256 = "2df9083338b4abd6bceb5635764dab5d833b393b55759dffb0959b6fcbf794ec",
    };

    /// <summary>OpenAssistant OASST1, ready-for-export message trees (nested trees, JSONL.gz).</summary>
    public static KnownDataset Oasst1 { get; } = new(
        "oasst1", "OpenAssistant OASST1: 10,364 ranked message trees, 35 languages (nested trees, JSONL.gz)",
        new Uri("https://huggingface.co/datasets/OpenAssistant/oasst1/resolve/main/2023-04-12_oasst_ready.trees.jsonl.gz"),
        "2023-04-12_oasst_ready.trees.jsonl.gz", ChatFormat.Oasst, "Apache 2.0");

    /// <summary>Every known dataset.</summary>
    public static IReadOnlyList<KnownDataset> All { get; } = [Alpaca, Dolly, Oasst1];

    /// <summary>GSM8K (<c>openai/gsm8k</c>, config <c>main</c>): 7,473 train + 1,319 test problems as Parquet (question/answer), pinned revision.</summary>
    public static HubDataset Gsm8k { get; } = HubDataset.Create(
        "gsm8k", "GSM8K grade-school math, config main (Parquet: question, answer)", "openai/gsm8k", "740312add88f781978c0658806c59bc2815b9866",
        [("main/train-00000-of-00001.parquet", "ea82612ea9582142387730c793eb67d3b12849002bc0b7fa6f8efafa7351419d"),
         ("main/test-00000-of-00001.parquet", "ee7b8da9e381df27b9e3f7758a159ab2bdaa4dbaa910546cbbc47e0cb44e4f59")],
        ChatFormat.Gsm8k, "MIT");

    /// <summary>Smol-SmolTalk (<c>HuggingFaceTB/smol-smoltalk</c>, nanochat's SmolTalk): chat <c>messages</c> as Parquet, 4 train shards + test, pinned revision.</summary>
    public static HubDataset SmolSmolTalk { get; } = HubDataset.Create(
        "smol-smoltalk", "Smol-SmolTalk chat conversations (Parquet: messages of role/content)", "HuggingFaceTB/smol-smoltalk", "f73fe857d519ff6ac5af2ea67c4d3834da7b8bcc",
        [("data/train-00000-of-00004.parquet", "498cd4580014f42c40cfde066573564ed28e3e1548a5566715b615f5ea932856"),
         ("data/train-00001-of-00004.parquet", "5412c03df579fc7dd7d06c7f5249627d99d0621882fb8f2cd5c13582eb2a80f6"),
         ("data/train-00002-of-00004.parquet", "aefcac6571abf275b4e1629baa01f326c0fe279d35cd0349b7439319923815a7"),
         ("data/train-00003-of-00004.parquet", "c15edfca888c9924a626dad7b7f4e9f08d8f406f997ac13be46bc9be0a6192db"),
         ("data/test-00000-of-00001.parquet", "be6773dcce145f3918ff14237b1f765affa427b0b13f6a02d397e665ac908b9a")],
        ChatFormat.OpenAssistant, "Apache 2.0");

    /// <summary>The hub datasets fetched as Parquet shards (not part of <see cref="All"/>: <c>--all</c> keeps to the three chat files).</summary>
    public static IReadOnlyList<HubDataset> Hub { get; } = [Gsm8k, SmolSmolTalk];

    /// <summary>The files behind <paramref name="name"/>: a hub dataset's shards, or the one file of a chat dataset (case-insensitive).</summary>
    /// <exception cref="TrmDataException">No dataset has that name.</exception>
    public static IReadOnlyList<KnownDataset> FindFiles(string name)
        => Hub.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase)) is { } hub
            ? hub.Shards
            : All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase)) is { } file
                ? [file]
                : throw new TrmDataException($"unknown dataset '{name}'; known: {string.Join(", ", All.Select(d => d.Name).Concat(Hub.Select(d => d.Name)))}");

    /// <summary>Finds a dataset by name (case-insensitive).</summary>
    /// <exception cref="TrmDataException">No dataset has that name.</exception>
    public static KnownDataset Find(string name)
        => All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
           ?? throw new TrmDataException($"unknown dataset '{name}'; known: {string.Join(", ", All.Select(d => d.Name))}");
}
