using Trm.Data.Chat;
using Trm.Data.Readers;

namespace Trm.Data.Sft;

/// <summary>
/// One source of an SFT mixture: where its conversations come from, how many are taken (<see cref="Stop"/>: the first
/// N in source order, as the recipes' <c>ot_stop</c>/<c>stop=</c>), how often each is repeated (<see cref="Epochs"/>),
/// what its reasoning traces become, and whether it is plain chat filled to the mixture's chat ratio
/// (<see cref="IsChat"/>, sharing the chat part by <see cref="Weight"/>). Immutable; adjust with <c>with</c>.
/// </summary>
/// <example>
/// <code>
/// var gsm8k = SftSource.FromFile("data/raw/gsm8k/train.jsonl") with { Stop = 5_000 };
/// var chat = SftSource.FromFile("data/raw/alpaca-seed/seed_tasks.jsonl") with { IsChat = true };
/// </code>
/// </example>
public sealed record SftSource
{
    private SftSource(string name, string input, Func<SftSource, MalformedRecordPolicy, SftSourceCounter, CancellationToken, IEnumerable<Conversation>> open)
    {
        Name = name;
        Input = input;
        Open = open;
    }

    /// <summary>The name in the manifest and in each example's id (<c>name/source-id</c>).</summary>
    public string Name { get; init; }

    /// <summary>What is read (paths), for the manifest.</summary>
    public string Input { get; init; }

    /// <summary>Take at most this many conversations (the first ones in source order); <see langword="null"/>: all (chat sources: as many as the chat ratio asks).</summary>
    public int? Stop { get; init; }

    /// <summary>How many times each taken conversation appears in the mixture (≥ 1). Default 1.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>A chat source's share of the chat part of the mixture, relative to the other chat sources. Default 1.</summary>
    public double Weight { get; init; } = 1;

    /// <summary>Whether this is plain chat, filled to <see cref="SftMixtureOptions.ChatRatio"/> of the mixture (when a ratio is set).</summary>
    public bool IsChat { get; init; }

    /// <summary>What reasoning traces become: think blocks (default), plain reply text, or nothing ("answer only").</summary>
    public ReasoningTraces Reasoning { get; init; } = ReasoningTraces.Think;

    /// <summary>The role in the manifest: <c>chat</c> or <c>main</c>, unless a recipe names it (<c>reasoning</c>, <c>rs</c>…).</summary>
    public string? Role { get; init; }

    internal Func<SftSource, MalformedRecordPolicy, SftSourceCounter, CancellationToken, IEnumerable<Conversation>> Open { get; }

    /// <summary>
    /// A chat/instruction file in any format <see cref="ChatFileReader"/> reads (detected by default): JSONL chat,
    /// GSM8K, seed tasks, Alpaca, Dolly, ShareGPT, OpenAssistant, OASST1; JSON, JSONL, gzip or Parquet. Assistant replies
    /// that open with an inline <c>&lt;think&gt;…&lt;/think&gt;</c> block get it as their trace, whatever the format
    /// (OpenThoughts' ShareGPT-shaped <c>conversations</c>).
    /// </summary>
    public static SftSource FromFile(string path, ChatFormat format = ChatFormat.Auto, string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return FromFiles([path], format, name ?? Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>Several files read one after the other as one source (e.g. the Parquet shards of a hub dataset, in order).</summary>
    public static SftSource FromFiles(IReadOnlyList<string> paths, ChatFormat format = ChatFormat.Auto, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0)
            throw new ArgumentException("at least one file is needed", nameof(paths));
        var files = paths.ToArray();
        return new SftSource(name ?? Path.GetFileNameWithoutExtension(files[0]), string.Join(", ", files),
            (source, policy, counter, ct) => ApplyTraces(SplitInlineThink(ReadFiles(files, format, source.Reasoning, policy, counter, ct)), source.Reasoning));
    }

    /// <summary>A chat dataset folder built before (<c>trm data build-chat</c>): its examples decoded back to conversations.</summary>
    public static SftSource FromChatDataset(string directory, string split = "train", string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        return new SftSource(name ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)), $"{directory} ({split})",
            (source, _, counter, ct) => ApplyTraces(ChatDatasetConversations.Read(directory, split, counter, ct), source.Reasoning));
    }

    /// <summary>Conversations made in memory (e.g. a <see cref="Tasks.SyntheticTask"/>); inline think blocks are split too.</summary>
    public static SftSource FromConversations(string name, IEnumerable<Conversation> conversations)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(conversations);
        return new SftSource(name, name, (source, _, counter, ct) => Count(ApplyTraces(SplitInlineThink(conversations), source.Reasoning), counter, ct));
    }

    private static IEnumerable<Conversation> ReadFiles(string[] files, ChatFormat format, ReasoningTraces traces, MalformedRecordPolicy policy, SftSourceCounter counter, CancellationToken ct)
    {
        foreach (var file in files)
        {
            var reader = new ChatFileReader(file, new ChatReaderOptions { Format = format, OnMalformed = policy, Reasoning = traces });
            var skippedBefore = counter.Skipped;
            foreach (var conversation in reader.Read(ct))
            {
                counter.Skipped = skippedBefore + reader.Report.Skipped;
                counter.Read++;
                yield return conversation;
            }
            counter.Skipped = skippedBefore + reader.Report.Skipped;
        }
    }

    private static IEnumerable<Conversation> Count(IEnumerable<Conversation> conversations, SftSourceCounter counter, CancellationToken ct)
    {
        foreach (var conversation in conversations)
        {
            ct.ThrowIfCancellationRequested();
            counter.Read++;
            yield return conversation;
        }
    }

    /// <summary>
    /// Splits an assistant reply that spells its trace inline (<c>&lt;think&gt;…&lt;/think&gt;answer</c>, as OpenThoughts'
    /// ShareGPT-shaped <c>conversations</c> do) into trace and answer, whatever format the file was read as.
    /// </summary>
    internal static IEnumerable<Conversation> SplitInlineThink(IEnumerable<Conversation> conversations)
    {
        foreach (var conversation in conversations)
        {
            if (!conversation.Turns.Any(IsInlineThink))
            {
                yield return conversation;
                continue;
            }
            var turns = conversation.Turns.Select(t =>
            {
                if (!IsInlineThink(t))
                    return t;
                var (reasoning, answer) = Trm.Tokenization.Chat.ThinkTrace.Split(t.Text);
                return t with { Text = answer, Reasoning = reasoning };
            }).ToList();
            yield return conversation with { Turns = turns };
        }
    }

    private static bool IsInlineThink(ChatTurn turn)
        => turn.Role == Trm.Tokenization.Chat.ChatRole.Assistant && turn.Reasoning is null
           && turn.Text.AsSpan().TrimStart().StartsWith(Trm.Tokenization.Chat.ChatSpecialTokens.ThinkStart, StringComparison.Ordinal);

    /// <summary>Re-renders the reasoning traces of conversations that carry them as <paramref name="traces"/> says.</summary>
    internal static IEnumerable<Conversation> ApplyTraces(IEnumerable<Conversation> conversations, ReasoningTraces traces)
    {
        foreach (var conversation in conversations)
        {
            if (traces == ReasoningTraces.Think || conversation.Turns.All(t => t.Reasoning is null))
            {
                yield return conversation;
                continue;
            }
            var turns = conversation.Turns.Select(t => t.Reasoning is null ? t : traces == ReasoningTraces.Drop
                ? t with { Reasoning = null }
                : t with { Text = t.Reasoning.Length == 0 ? t.Text : t.Reasoning + "\n\n" + t.Text, Reasoning = null }).ToList();
            yield return conversation with { Turns = turns };
        }
    }

    /// <summary>The role word used in the manifest.</summary>
    internal string RoleName => Role ?? (IsChat ? "chat" : "main");
}
