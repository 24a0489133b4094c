using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
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

        var reader = new ChatFileReader(options.InputPath, new ChatReaderOptions { Format = options.Format, OnMalformed = options.OnMalformed, Oasst = options.Oasst, InvalidUtf8 = options.InvalidUtf8 });
        var conversations = new List<Conversation>();
        foreach (var conversation in reader.Read(cancellationToken))
        {
            conversations.Add(conversation);
            if (conversations.Count % 10_000 == 0)
                progress?.Report(new ChatBuildProgress("read", conversations.Count, null));
        }
        progress?.Report(new ChatBuildProgress("read", conversations.Count, conversations.Count));
        BuildFaults.At("chat:read");

        var selected = Subsample(conversations.Count);
        var (train, val) = Split(selected);
        var rendered = Render(conversations, selected, template, cancellationToken, out var invalid, out var truncated, out var dropped);

        var dtype = TokenDtypes.ForVocabSize(template.Tokenizer.VocabSize);
        var trainStats = WriteSplit(output.Staging, "train", train, rendered, dtype, cancellationToken);
        BuildFaults.At("chat:train-written");
        var valStats = WriteSplit(output.Staging, "val", val, rendered, dtype, cancellationToken);
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
            SourceFormat = reader.Format.ToString().ToLowerInvariant(),
            SourceSha256 = sourceHash,
            Fingerprint = fingerprint,
            Counts = new ChatDatasetCounts
            {
                RecordsRead = reader.Report.RecordsRead,
                Conversations = reader.Report.ConversationsProduced,
                SkippedMalformed = reader.Report.Skipped,
                InvalidUtf8 = reader.Report.InvalidUtf8,
                Filtered = reader.Report.Filtered,
                SubsampledOut = conversations.Count - selected.Length,
                SkippedInvalidTurns = invalid,
                Truncated = truncated,
                DroppedOverLength = dropped,
                TrainExamples = trainStats.Examples,
                ValExamples = valStats.Examples,
                TrainTokens = trainStats.Tokens,
                ValTokens = valStats.Tokens,
                TrainTrainedTokens = trainStats.Trained,
                ValTrainedTokens = valStats.Trained,
            },
        };
        info.Save(output.Staging);
        cancellationToken.ThrowIfCancellationRequested();
        output.Commit();
        logger?.LogInformation("Built {Directory}: {Train} train / {Val} val examples, {Truncated} truncated, {Dropped} dropped, {Skipped} skipped",
            directory, trainStats.Examples, valStats.Examples, truncated, dropped, reader.Report.Skipped + invalid);
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
        var order = Shuffled(count, SplitMix64.Mix(options.Seed, 0x5AB5));
        var kept = order.AsSpan(0, size).ToArray();
        Array.Sort(kept);
        return kept;
    }

    /// <summary>A seeded split of the selected indices: <c>round(n * TrainSplit)</c> to train; each split in file order.</summary>
    private (int[] Train, int[] Val) Split(int[] selected)
    {
        var trainCount = (int)Math.Round(selected.Length * options.TrainSplit, MidpointRounding.AwayFromZero);
        var order = Shuffled(selected.Length, SplitMix64.Mix(options.Seed, 0x5B117));
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

    /// <summary>Renders every selected conversation on all cores; null where dropped or invalid.</summary>
    private RenderedChat?[] Render(List<Conversation> conversations, int[] selected, ChatTemplate template, CancellationToken cancellationToken,
        out long invalid, out long truncated, out long dropped)
    {
        var results = new RenderedChat?[conversations.Count];
        long invalidCount = 0, truncatedCount = 0, droppedCount = 0, done = 0;
        TrmDataException? failure = null;
        var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = options.Parallelism ?? Environment.ProcessorCount };
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, selected.Length, 256), parallel, (range, state) =>
        {
            for (var k = range.Item1; k < range.Item2; k++)
            {
                var index = selected[k];
                var conversation = conversations[index];
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
                    Interlocked.Increment(ref invalidCount);
                    continue;
                }
                if (chat.Truncated)
                {
                    if (options.OverLength == OverLengthPolicy.Drop || chat.TrainedTokenCount == 0)
                    {
                        Interlocked.Increment(ref droppedCount);
                        continue;
                    }
                    Interlocked.Increment(ref truncatedCount);
                }
                results[index] = chat;
            }
            var total = Interlocked.Add(ref done, range.Item2 - range.Item1);
            progress?.Report(new ChatBuildProgress("tokenize", total, selected.Length));
        });
        if (failure is not null)
            throw failure;
        invalid = invalidCount;
        truncated = truncatedCount;
        dropped = droppedCount;
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
            messages.Add(new ChatMessage(conversation.Turns[i].Role, conversation.Turns[i].Text));
        return messages;
    }

    private (long Examples, long Tokens, long Trained) WriteSplit(string folder, string split, int[] indices, RenderedChat?[] rendered, TokenDtype dtype, CancellationToken cancellationToken)
    {
        var kept = indices.Select(i => rendered[i]).OfType<RenderedChat>().ToList();
        var offsets = new long[kept.Count + 1];
        for (var i = 0; i < kept.Count; i++)
            offsets[i + 1] = offsets[i] + kept[i].Length;
        var width = dtype.Size();
        AtomicFile.Write(Path.Combine(folder, ChatDatasetFiles.Tokens(split)), stream =>
        {
            var buffer = new byte[1 << 16];
            var used = 0;
            foreach (var chat in kept)
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var id in chat.Ids)
                {
                    if (used + width > buffer.Length)
                    {
                        stream.Write(buffer, 0, used);
                        used = 0;
                    }
                    if (width == 2)
                        BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(used), (ushort)id);
                    else
                        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(used), (uint)id);
                    used += width;
                }
            }
            stream.Write(buffer, 0, used);
        });
        AtomicFile.Write(Path.Combine(folder, ChatDatasetFiles.Mask(split)), stream =>
        {
            foreach (var chat in kept)
                stream.Write(chat.LossMask);
        });
        AtomicFile.Write(Path.Combine(folder, ChatDatasetFiles.Offsets(split)), stream =>
        {
            var bytes = new byte[offsets.Length * 8];
            for (var i = 0; i < offsets.Length; i++)
                BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), offsets[i]);
            stream.Write(bytes);
        });
        progress?.Report(new ChatBuildProgress("write", kept.Count, kept.Count));
        return (kept.Count, offsets[^1], kept.Sum(c => (long)c.TrainedTokenCount));
    }

    internal static string Sha256File(string path)
    {
        if (!File.Exists(path))
            throw new TrmDataException("file not found", path, null, null);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
