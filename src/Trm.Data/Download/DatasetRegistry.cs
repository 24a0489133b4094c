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

    /// <summary>Finds a dataset by name (case-insensitive).</summary>
    /// <exception cref="TrmDataException">No dataset has that name.</exception>
    public static KnownDataset Find(string name)
        => All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
           ?? throw new TrmDataException($"unknown dataset '{name}'; known: {string.Join(", ", All.Select(d => d.Name))}");
}
