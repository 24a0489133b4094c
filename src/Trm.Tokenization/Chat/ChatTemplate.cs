namespace Trm.Tokenization.Chat;

/// <summary>
/// Renders conversations to token ids and a loss mask. Each message becomes
/// <c>&lt;|role|&gt; content &lt;|end|&gt;</c> (role one of system, user, assistant); the loss mask is 1 on assistant content
/// and the <c>&lt;|end|&gt;</c> closing it, 0 elsewhere (role tokens included). An assistant message with a
/// <see cref="ChatMessage.Reasoning"/> trace renders <c>&lt;|assistant|&gt;&lt;think&gt; reasoning &lt;/think&gt; content &lt;|end|&gt;</c>,
/// the think block trained on like the answer, so the model learns when to think and when to answer directly. A completion prompt ends with
/// <c>&lt;|assistant|&gt;</c> so the model writes the answer and stops with <c>&lt;|end|&gt;</c>.
/// </summary>
/// <remarks>
/// Role order: an optional system message first, then user and assistant strictly alternating, starting with user.
/// Message content is encoded with no special token allowed, so text spelling <c>&lt;|user|&gt;</c> cannot forge a turn.
/// The template is immutable and thread-safe: render from as many threads as you like.
/// </remarks>
public sealed class ChatTemplate
{
    private ChatTemplate(Tokenizer tokenizer)
    {
        Tokenizer = tokenizer;
        SystemId = tokenizer.GetSpecialTokenId(ChatSpecialTokens.System);
        UserId = tokenizer.GetSpecialTokenId(ChatSpecialTokens.User);
        AssistantId = tokenizer.GetSpecialTokenId(ChatSpecialTokens.Assistant);
        EndId = tokenizer.GetSpecialTokenId(ChatSpecialTokens.End);
        PadId = tokenizer.GetSpecialTokenId(ChatSpecialTokens.Pad);
        ThinkStartId = tokenizer.GetSpecialTokenId(ChatSpecialTokens.ThinkStart);
        ThinkEndId = tokenizer.GetSpecialTokenId(ChatSpecialTokens.ThinkEnd);
    }

    /// <summary>
    /// Creates a template over <paramref name="baseTokenizer"/>, adding <see cref="ChatSpecialTokens.All"/> after its
    /// vocabulary (tokens it already has keep their ids).
    /// </summary>
    public static ChatTemplate Create(Tokenizer baseTokenizer)
    {
        ArgumentNullException.ThrowIfNull(baseTokenizer);
        return new ChatTemplate(baseTokenizer.WithSpecialTokens(ChatSpecialTokens.All));
    }

    /// <summary>The base tokenizer extended with the chat tokens: use it to decode rendered ids and size the model.</summary>
    public Tokenizer Tokenizer { get; }

    /// <summary>Id of <see cref="ChatSpecialTokens.System"/>.</summary>
    public int SystemId { get; }

    /// <summary>Id of <see cref="ChatSpecialTokens.User"/>.</summary>
    public int UserId { get; }

    /// <summary>Id of <see cref="ChatSpecialTokens.Assistant"/>.</summary>
    public int AssistantId { get; }

    /// <summary>Id of <see cref="ChatSpecialTokens.End"/> (the stop token for generation).</summary>
    public int EndId { get; }

    /// <summary>Id of <see cref="ChatSpecialTokens.Pad"/>.</summary>
    public int PadId { get; }

    /// <summary>Id of <see cref="ChatSpecialTokens.ThinkStart"/>.</summary>
    public int ThinkStartId { get; }

    /// <summary>Id of <see cref="ChatSpecialTokens.ThinkEnd"/>.</summary>
    public int ThinkEndId { get; }

    /// <summary>The start-token id of <paramref name="role"/>.</summary>
    public int StartId(ChatRole role) => role switch
    {
        ChatRole.System => SystemId,
        ChatRole.User => UserId,
        ChatRole.Assistant => AssistantId,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown chat role."),
    };

    /// <summary>
    /// Renders a training conversation (it must end with an assistant turn) to ids and loss mask, shortened to
    /// <paramref name="maxLength"/> tokens as <paramref name="truncation"/> says; the result reports what was cut.
    /// </summary>
    /// <exception cref="ChatTemplateException">Roles are out of order or the last message is not an assistant turn.</exception>
    public RenderedChat Render(IReadOnlyList<ChatMessage> messages, int maxLength = int.MaxValue, ChatTruncation truncation = ChatTruncation.WholeTurns)
    {
        Validate(messages, ChatRole.Assistant);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLength);
        var segments = EncodeMessages(messages);
        int full = segments.Sum(s => s.Length + 2);
        int keep = messages.Count; // messages rendered whole
        int length = full;
        bool partial = false;
        if (full > maxLength)
        {
            int total = 0;
            keep = 0;
            length = 0;
            for (int i = 0; i < messages.Count && total + segments[i].Length + 2 <= maxLength; i++)
            {
                total += segments[i].Length + 2;
                if (truncation == ChatTruncation.Tokens || messages[i].Role == ChatRole.Assistant)
                {
                    keep = i + 1;
                    length = total;
                }
            }
            if (truncation == ChatTruncation.Tokens)
            {
                length = maxLength;
                partial = total < maxLength;
            }
        }
        var ids = new int[length];
        var mask = new byte[length];
        int pos = 0;
        for (int i = 0; i < messages.Count && pos < length; i++)
        {
            byte trained = messages[i].Role == ChatRole.Assistant ? (byte)1 : (byte)0;
            ids[pos++] = StartId(messages[i].Role);
            int n = Math.Min(segments[i].Length, length - pos);
            segments[i].AsSpan(0, n).CopyTo(ids.AsSpan(pos));
            mask.AsSpan(pos, n).Fill(trained);
            pos += n;
            if (pos < length)
            {
                ids[pos] = EndId;
                mask[pos++] = trained;
            }
        }
        return new RenderedChat(ids, mask, full, keep, messages.Count, partial);
    }

    /// <summary>
    /// Renders a prompt for generation: the conversation (it must end with a user turn) followed by
    /// <c>&lt;|assistant|&gt;</c>. The loss mask is all zeros. When longer than <paramref name="maxLength"/>, the oldest
    /// turns go first (whole exchanges with <see cref="ChatTruncation.WholeTurns"/>, keeping the system message while it
    /// fits; the last tokens with <see cref="ChatTruncation.Tokens"/>).
    /// </summary>
    /// <exception cref="ChatTemplateException">Roles are out of order or the last message is not a user turn.</exception>
    public RenderedChat RenderForCompletion(IReadOnlyList<ChatMessage> messages, int maxLength = int.MaxValue, ChatTruncation truncation = ChatTruncation.WholeTurns)
    {
        Validate(messages, ChatRole.User);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLength);
        var segments = EncodeMessages(messages);
        int full = segments.Sum(s => s.Length + 2) + 1;
        bool hasSystem = messages[0].Role == ChatRole.System;
        int first = 0;          // first non-system message kept
        bool keepSystem = hasSystem;
        int length = full;
        if (full > maxLength)
        {
            if (truncation == ChatTruncation.Tokens)
            {
                return Tail(messages, segments, full, maxLength);
            }
            int systemCost = hasSystem ? segments[0].Length + 2 : 0;
            int rest = DropOldestExchanges(segments, hasSystem ? 1 : 0, full - systemCost, maxLength - systemCost, out first);
            if (hasSystem && rest > maxLength - systemCost)
            {
                // The system message does not fit beside the last turn: drop it, then keep as many exchanges as fit.
                keepSystem = false;
                rest = DropOldestExchanges(segments, hasSystem ? 1 : 0, full - systemCost, maxLength, out first);
                systemCost = 0;
            }
            length = rest <= maxLength - systemCost ? rest + systemCost : 0;
        }
        if (length == 0)
        {
            return new RenderedChat([], [], full, 0, messages.Count, false);
        }
        var ids = new List<int>(length);
        int kept = 0;
        for (int i = 0; i < messages.Count; i++)
        {
            bool isSystem = i == 0 && hasSystem;
            if ((isSystem && !keepSystem) || (!isSystem && i < first))
            {
                continue;
            }
            AppendMessage(ids, messages[i].Role, segments[i]);
            kept++;
        }
        ids.Add(AssistantId);
        return new RenderedChat(ids.ToArray(), new byte[ids.Count], full, kept, messages.Count, partialTurn: false);
    }

    /// <summary>
    /// Drops user + assistant exchanges from <paramref name="from"/> on until <paramref name="length"/> fits
    /// <paramref name="budget"/> or only the last user turn is left; returns the remaining length.
    /// </summary>
    private static int DropOldestExchanges(int[][] segments, int from, int length, int budget, out int first)
    {
        first = from;
        while (first < segments.Length - 1 && length > budget)
        {
            length -= segments[first].Length + segments[first + 1].Length + 4;
            first += 2;
        }
        return length;
    }

    /// <summary>The last <paramref name="maxLength"/> tokens of the full completion prompt.</summary>
    private RenderedChat Tail(IReadOnlyList<ChatMessage> messages, int[][] segments, int full, int maxLength)
    {
        var ids = new List<int>(full);
        var starts = new int[messages.Count];
        for (int i = 0; i < messages.Count; i++)
        {
            starts[i] = ids.Count;
            AppendMessage(ids, messages[i].Role, segments[i]);
        }
        ids.Add(AssistantId);
        int cut = full - maxLength;
        int kept = starts.Count(s => s >= cut);
        bool partial = Array.IndexOf(starts, cut) < 0 && cut < full - 1;
        return new RenderedChat(ids.GetRange(cut, maxLength).ToArray(), new byte[maxLength], full, kept, messages.Count, partial);
    }

    /// <summary>Writes a conversation as text with the special tokens spelled out (for logs and debugging).</summary>
    public static string FormatText(IReadOnlyList<ChatMessage> messages, bool forCompletion = false)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var sb = new System.Text.StringBuilder();
        foreach (var message in messages)
        {
            sb.Append(ChatSpecialTokens.StartOf(message.Role));
            if (message.Reasoning is not null)
            {
                sb.Append(ChatSpecialTokens.ThinkStart).Append(message.Reasoning).Append(ChatSpecialTokens.ThinkEnd);
            }
            sb.Append(message.Content).Append(ChatSpecialTokens.End);
        }
        if (forCompletion)
        {
            sb.Append(ChatSpecialTokens.Assistant);
        }
        return sb.ToString();
    }

    /// <summary>
    /// Checks role order: optional system message first, then user/assistant alternating from user, ending with
    /// <paramref name="lastRole"/>.
    /// </summary>
    /// <exception cref="ChatTemplateException">The first offending message is named by index.</exception>
    public static void Validate(IReadOnlyList<ChatMessage> messages, ChatRole lastRole)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            throw new ChatTemplateException("The conversation has no message.", -1);
        }
        ChatRole? previous = null;
        for (int i = 0; i < messages.Count; i++)
        {
            var message = messages[i] ?? throw new ChatTemplateException($"Message {i} is null.", i);
            ChatRole expected = previous == ChatRole.User ? ChatRole.Assistant : ChatRole.User;
            if (message.Reasoning is not null && message.Role != ChatRole.Assistant)
            {
                throw new ChatTemplateException($"Message {i} is {Describe(message.Role)} with a reasoning trace; only assistant messages may think.", i);
            }
            if (message.Role == ChatRole.System && i > 0)
            {
                throw new ChatTemplateException($"Message {i} is a system message; only the first message may be one.", i);
            }
            if (message.Role != expected && !(i == 0 && message.Role == ChatRole.System))
            {
                string after = previous is null ? "at the start" : $"after {Describe(previous.Value)}";
                throw new ChatTemplateException($"Message {i} is {Describe(message.Role)} {after}; expected {Describe(expected)}.", i);
            }
            previous = message.Role;
        }
        if (previous != lastRole)
        {
            string purpose = lastRole == ChatRole.Assistant ? "a training conversation must end with an assistant turn" : "a completion prompt must end with a user turn";
            throw new ChatTemplateException($"Message {messages.Count - 1} (the last) is {Describe(previous!.Value)}; {purpose}.", messages.Count - 1);
        }
    }

    private static string Describe(ChatRole role) => role switch
    {
        ChatRole.System => "a system message",
        ChatRole.User => "a user message",
        _ => "an assistant message",
    };

    /// <summary>The ids between each message's start and end tokens: the think block (when any), then the content.</summary>
    private int[][] EncodeMessages(IReadOnlyList<ChatMessage> messages)
    {
        var segments = new int[messages.Count][];
        for (int i = 0; i < messages.Count; i++)
        {
            if (messages[i].Reasoning is not { } reasoning)
            {
                segments[i] = Tokenizer.EncodeToIds(messages[i].Content);
                continue;
            }
            var ids = new List<int> { ThinkStartId };
            Tokenizer.EncodeToIds(reasoning, ids);
            ids.Add(ThinkEndId);
            Tokenizer.EncodeToIds(messages[i].Content, ids);
            segments[i] = ids.ToArray();
        }
        return segments;
    }

    private void AppendMessage(List<int> ids, ChatRole role, int[] content)
    {
        ids.Add(StartId(role));
        ids.AddRange(content);
        ids.Add(EndId);
    }
}
