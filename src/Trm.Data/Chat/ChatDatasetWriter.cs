using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Trm.Core.IO;
using Trm.Data.Readers;
using Trm.Data.TokenStream;
using Trm.Tokenization;
using Trm.Tokenization.Chat;

namespace Trm.Data.Chat;

/// <summary>The work behind <see cref="ChatDatasetBuilder.BuildAsync"/>: read, subsample, split, render in parallel, write.</summary>
internal sealed class ChatDatasetWriter(ChatDatasetOptions options, string directory, bool force, IProgress<ChatBuildProgress>? progress, ILogger? logger)
{
    public ChatDatasetBuildResult Build(CancellationToken cancellationToken)
    {
        if (!File.Exists(options.InputPath))
            throw new TrmDataException("file not found", options.InputPath, null, null);
        var template = ChatTemplate.Create(LoadTokenizer(options.Tokenizer));
        var sourceHash = Sha256File(options.InputPath);
        var fingerprint = Fingerprint(sourceHash, template.Tokenizer);

        if (!force && TryReuse(fingerprint) is { } existing)
        {
            logger?.LogInformation("Reusing {Directory}: same fingerprint {Fingerprint}", directory, fingerprint);
            return new ChatDatasetBuildResult(directory, existing, Reused: true, new ReadReport());
        }
        // Everything is written into a staging sibling and swapped in at the end: the previous dataset stays readable until then.
        using var output = new AtomicDirectory(directory);

        var readerOptions = new ChatReaderOptions { Format = options.Format, OnMalformed = options.OnMalformed, Oasst = options.Oasst, InvalidUtf8 = options.InvalidUtf8, Reasoning = options.Reasoning };
        // Pass 1: count the conversations (keeping none), so that the subsample and the split are decided before rendering.
        var count = 0;
        foreach (var _ in new ChatFileReader(options.InputPath, readerOptions).Read(cancellationToken))
        {
            if (++count % 10_000 == 0)
                progress?.Report(new ChatBuildProgress("read", count, null));
        }
        progress?.Report(new ChatBuildProgress("read", count, count));
        BuildFaults.At("chat:read");

        var selected = Subsample(count);
        var (train, val) = Split(selected);
        var assignment = new byte[count]; // 0: left out, 1: train, 2: val
        foreach (var i in train)
            assignment[i] = 1;
        foreach (var i in val)
            assignment[i] = 2;

        // Pass 2: render batches on all cores and append each example to its split, in file order.
        var dtype = TokenDtypes.ForVocabSize(template.Tokenizer.VocabSize);
        var reader = new ChatFileReader(options.InputPath, readerOptions);
        var counts = new RenderCounts();
        using var trainOut = new ChatSplitWriter(output.Staging, "train", dtype);
        using var valOut = new ChatSplitWriter(output.Staging, "val", dtype);
        var batch = new List<(int Index, Conversation Conversation)>(RenderBatch);
        var index = 0;
        long done = 0;
        void Flush()
        {
            if (batch.Count == 0)
                return;
            var rendered = Render(batch, template, counts, cancellationToken);
            for (var k = 0; k < batch.Count; k++)
                if (rendered[k] is { } chat)
                    (assignment[batch[k].Index] == 1 ? trainOut : valOut).Add(chat);
            done += batch.Count;
            progress?.Report(new ChatBuildProgress("tokenize", done, selected.Length));
            batch.Clear();
        }
        foreach (var conversation in reader.Read(cancellationToken))
        {
            if (index >= count)
                throw new TrmDataException("the file changed while the dataset was built (more conversations than in the first pass)", options.InputPath, null, null);
            if (assignment[index] != 0)
                batch.Add((index, conversation));
            index++;
            if (batch.Count == RenderBatch)
                Flush();
        }
        Flush();
        if (index != count)
            throw new TrmDataException("the file changed while the dataset was built (fewer conversations than in the first pass)", options.InputPath, null, null);
        trainOut.Complete();
        valOut.Complete();
        trainOut.Dispose(); // closed before the folder is swapped in
        valOut.Dispose();
        progress?.Report(new ChatBuildProgress("write", trainOut.Examples + valOut.Examples, trainOut.Examples + valOut.Examples));
        BuildFaults.At("chat:written");
        var (invalid, truncated, dropped) = (counts.Invalid, counts.Truncated, counts.Dropped);
        var info = new ChatDatasetInfo
        {
            Tokenizer = options.Tokenizer,
            VocabSize = template.Tokenizer.VocabSize,
            Dtype = dtype.Name(),
            SpecialTokens = template.Tokenizer.SpecialTokens.OrderBy(kv => kv.Value).ToDictionary(kv => kv.Key, kv => kv.Value),
            PadId = template.PadId,
            EndId = template.EndId,
            MaxLength = options.MaxLength,
            OverLength = options.OverLength == OverLengthPolicy.Truncate ? "truncate" : "drop",
            TrainSplit = options.TrainSplit,
            SubsampleSize = options.SubsampleSize,
            Seed = options.Seed,
            Source = options.InputPath,
            SourceFormat = ChatFormatDetector.NameOf(reader.Format),
            SourceSha256 = sourceHash,
            Fingerprint = fingerprint,
            Counts = new ChatDatasetCounts
            {
                RecordsRead = reader.Report.RecordsRead,
                Conversations = reader.Report.ConversationsProduced,
                SkippedMalformed = reader.Report.Skipped,
                InvalidUtf8 = reader.Report.InvalidUtf8,
                Filtered = reader.Report.Filtered,
                SubsampledOut = count - selected.Length,
                SkippedInvalidTurns = invalid,
                Truncated = truncated,
                DroppedOverLength = dropped,
                TrainExamples = trainOut.Examples,
                ValExamples = valOut.Examples,
                TrainTokens = trainOut.Tokens,
                ValTokens = valOut.Tokens,
                TrainTrainedTokens = trainOut.Trained,
                ValTrainedTokens = valOut.Trained,
            },
        };
        info.Save(output.Staging);
        cancellationToken.ThrowIfCancellationRequested();
        output.Commit();
        logger?.LogInformation("Built {Directory}: {Train} train / {Val} val examples, {Truncated} truncated, {Dropped} dropped, {Skipped} skipped",
            directory, trainOut.Examples, valOut.Examples, truncated, dropped, reader.Report.Skipped + invalid);
        return new ChatDatasetBuildResult(directory, info, Reused: false, reader.Report);
    }

    private static Tokenizer LoadTokenizer(string spec)
    {
        try
        {
            return Tokenizer.FromName(spec);
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException)
        {
            throw new TrmDataException($"cannot load tokenizer '{spec}': {e.Message}", e);
        }
    }

    private string Fingerprint(string sourceHash, Tokenizer tokenizer)
    {
        var vocabHash = options.Tokenizer.StartsWith("char:", StringComparison.OrdinalIgnoreCase) ? Sha256File(options.Tokenizer[5..]) : null;
        var description = JsonSerializer.Serialize(new
        {
            version = ChatDatasetInfo.CurrentVersion,
            source = sourceHash,
            format = options.Format.ToString(),
            tokenizer = options.Tokenizer,
            vocab = vocabHash,
            vocab_size = tokenizer.VocabSize,
            max_length = options.MaxLength,
            over_length = options.OverLength.ToString(),
            train_split = options.TrainSplit,
            subsample = options.SubsampleSize,
            seed = options.Seed,
            malformed = options.OnMalformed.ToString(),
            reasoning = options.Reasoning.ToString(),
            oasst = new
            {
                mode = options.Oasst.ThreadMode.ToString(),
                languages = options.Oasst.Languages?.Order(StringComparer.Ordinal).ToArray(),
                options.Oasst.IncludeDeleted, options.Oasst.IncludeSynthetic, options.Oasst.IncludeFailedReview, options.Oasst.RequireReadyForExport,
            },
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(description)));
    }

    private ChatDatasetInfo? TryReuse(string fingerprint)
    {
        if (!File.Exists(Path.Combine(directory, ChatDatasetInfo.FileName)))
            return null;
        try
        {
            var info = ChatDatasetInfo.Load(directory);
            if (info.Fingerprint != fingerprint)
                return null;
            using var dataset = ChatDataset.Open(directory); // checks that every file is there with consistent sizes
            return info;
        }
        catch (TrmDataException e)
        {
            logger?.LogWarning("Existing dataset in {Directory} is not usable ({Error}); rebuilding", directory, e.Message);
            return null;
        }
    }

    /// <summary>Indices of the kept conversations, in file order.</summary>
    private int[] Subsample(int count)
    {
        if (options.SubsampleSize is not { } size || size >= count)
            return Enumerable.Range(0, count).ToArray();
        var order = Shuffled(count, SplitMix64.Mix(unchecked((ulong)options.Seed), 0x5AB5));
        var kept = order.AsSpan(0, size).ToArray();
        Array.Sort(kept);
        return kept;
    }

    /// <summary>A seeded split of the selected indices: <c>round(n * TrainSplit)</c> to train; each split in file order.</summary>
    private (int[] Train, int[] Val) Split(int[] selected)
    {
        var trainCount = (int)Math.Round(selected.Length * options.TrainSplit, MidpointRounding.AwayFromZero);
        var order = Shuffled(selected.Length, SplitMix64.Mix(unchecked((ulong)options.Seed), 0x5B117));
        var train = order.AsSpan(0, trainCount).ToArray().Select(i => selected[i]).Order().ToArray();
        var val = order.AsSpan(trainCount).ToArray().Select(i => selected[i]).Order().ToArray();
        return (train, val);
    }

    private static int[] Shuffled(int count, ulong seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        var rng = new SplitMix64(seed);
        for (var i = count - 1; i > 0; i--)
        {
            var j = (int)rng.NextLong(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>Conversations rendered per parallel batch (bounds the memory of a build).</summary>
    private const int RenderBatch = 4096;

    /// <summary>What rendering left out, summed over the batches.</summary>
    private sealed class RenderCounts
    {
        public long Invalid;
        public long Truncated;
        public long Dropped;
    }

    /// <summary>Renders a batch of conversations on all cores; null where dropped or invalid.</summary>
    private RenderedChat?[] Render(List<(int Index, Conversation Conversation)> batch, ChatTemplate template, RenderCounts counts, CancellationToken cancellationToken)
    {
        var results = new RenderedChat?[batch.Count];
        TrmDataException? failure = null;
        var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = options.Parallelism ?? Environment.ProcessorCount };
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, batch.Count, 256), parallel, (range, state) =>
        {
            for (var k = range.Item1; k < range.Item2; k++)
            {
                var conversation = batch[k].Conversation;
                RenderedChat chat;
                try
                {
                    var messages = ToMessages(conversation);
                    chat = options.OverLength == OverLengthPolicy.Truncate
                        ? template.Render(messages, options.MaxLength, ChatTruncation.Tokens)
                        : template.Render(messages, options.MaxLength, ChatTruncation.WholeTurns);
                }
                catch (ChatTemplateException e)
                {
                    if (options.OnMalformed == MalformedRecordPolicy.Throw)
                    {
                        Interlocked.CompareExchange(ref failure, new TrmDataException($"cannot render conversation {conversation.SourceId}: {e.Message}", options.InputPath, null, "turns", e), null);
                        state.Stop();
                        return;
                    }
                    Interlocked.Increment(ref counts.Invalid);
                    continue;
                }
                if (chat.Truncated)
                {
                    if (options.OverLength == OverLengthPolicy.Drop || chat.TrainedTokenCount == 0)
                    {
                        Interlocked.Increment(ref counts.Dropped);
                        continue;
                    }
                    Interlocked.Increment(ref counts.Truncated);
                }
                results[k] = chat;
            }
        });
        if (failure is not null)
            throw failure;
        return results;
    }

    /// <summary>The turns as template messages, without trailing non-assistant turns (nothing to learn from them).</summary>
    private static List<ChatMessage> ToMessages(Conversation conversation)
    {
        var end = conversation.Turns.Count;
        while (end > 0 && conversation.Turns[end - 1].Role != ChatRole.Assistant)
            end--;
        var messages = new List<ChatMessage>(end);
        for (var i = 0; i < end; i++)
            messages.Add(conversation.Turns[i].ToMessage());
        return messages;
    }

    internal static string Sha256File(string path)
    {
        if (!File.Exists(path))
            throw new TrmDataException("file not found", path, null, null);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
