using Trm.Data.Chat;
using Trm.Tokenization;

namespace Trm.Cli.Commands;

/// <summary>Summarises a chat dataset folder (dataset.json + split files).</summary>
internal sealed class ChatDatasetInspector : IDataInspector
{
    public string Name => "chat";

    public bool CanInspect(string path) => Directory.Exists(path) && ChatDataset.Exists(path);

    public void Inspect(string path, TextWriter output)
    {
        using var dataset = ChatDataset.Open(path);
        output.WriteLine($"chat dataset {path}");
        Summarise(dataset.Info, output);
        foreach (var split in new[] { dataset.Train, dataset.Val })
        {
            if (split.Count == 0)
                continue;
            var lengths = Enumerable.Range(0, split.Count).Select(split.Length).Order().ToArray();
            output.WriteLine($"{split.Name}: lengths min {lengths[0]}, median {lengths[lengths.Length / 2]}, max {lengths[^1]}");
        }
        if (dataset.Train.Count > 0 && TryTokenizer(dataset.Info) is { } tokenizer)
        {
            var (ids, mask) = dataset.Train[0];
            var shown = Math.Min(ids.Length, 64);
            output.WriteLine($"first train example ({ids.Length} tokens; [trained] text in brackets):");
            output.WriteLine(Render(tokenizer, ids.AsSpan(0, shown), mask.AsSpan(0, shown)) + (shown < ids.Length ? "…" : ""));
        }
    }

    public static void Summarise(ChatDatasetInfo info, TextWriter output)
    {
        var c = info.Counts;
        output.WriteLine($"source {info.Source} ({info.SourceFormat}), tokenizer {info.Tokenizer}, vocab {info.VocabSize} ({info.Dtype}), max length {info.MaxLength} ({info.OverLength})");
        output.WriteLine($"train {c.TrainExamples:N0} examples / {c.TrainTokens:N0} tokens ({c.TrainTrainedTokens:N0} trained); val {c.ValExamples:N0} examples / {c.ValTokens:N0} tokens ({c.ValTrainedTokens:N0} trained)");
        output.WriteLine($"read {c.RecordsRead:N0} records → {c.Conversations:N0} conversations; skipped {c.SkippedMalformed} malformed, {c.SkippedInvalidTurns} invalid turns; filtered {c.Filtered}; subsampled out {c.SubsampledOut}; truncated {c.Truncated}; dropped {c.DroppedOverLength} over length");
        output.WriteLine($"fingerprint {info.Fingerprint}");
    }

    private static Tokenizer? TryTokenizer(ChatDatasetInfo info)
    {
        try
        {
            return Tokenizer.FromName(info.Tokenizer).WithSpecialTokens(Trm.Tokenization.Chat.ChatSpecialTokens.All);
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException)
        {
            return null;
        }
    }

    private static string Render(Tokenizer tokenizer, ReadOnlySpan<int> ids, ReadOnlySpan<byte> mask)
    {
        var text = new System.Text.StringBuilder();
        var start = 0;
        for (var i = 1; i <= ids.Length; i++)
        {
            if (i < ids.Length && mask[i] == mask[start])
                continue;
            var piece = tokenizer.Decode(ids[start..i].ToArray());
            text.Append(mask[start] == 1 ? $"[{piece}]" : piece);
            start = i;
        }
        return text.ToString();
    }
}
