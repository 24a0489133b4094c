using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Trm.Inference.Generation;
using Trm.Tokenization.Chat;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using AiChatRole = Microsoft.Extensions.AI.ChatRole;
using TrmChatMessage = Trm.Tokenization.Chat.ChatMessage;
using TrmChatRole = Trm.Tokenization.Chat.ChatRole;

namespace Trm.Inference.Chat;

/// <summary>
/// Chat with a causal language model through the chat template: the conversation is rendered with
/// <see cref="ChatTemplate.RenderForCompletion"/> (oldest whole turns dropped when it does not fit, leaving room for
/// <see cref="GenerationOptions.MaxNewTokens"/>), the model writes the assistant turn and stops at <c>&lt;|end|&gt;</c>;
/// a leading think block is returned apart as the reasoning. Implements Microsoft.Extensions.AI's
/// <see cref="IChatClient"/> (<see cref="ChatOptions"/>: Temperature, TopP, TopK, MaxOutputTokens, StopSequences and
/// Seed map to <see cref="GenerationOptions"/>), so a trained chat TRM drops into any app written against it.
/// Calls are serialized (one generation at a time), so one instance may be shared.
/// </summary>
public sealed class ChatGenerator : IChatClient
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Wraps a generator whose tokenizer is <paramref name="template"/>'s.</summary>
    public ChatGenerator(TextGenerator generator, ChatTemplate template)
    {
        Generator = generator ?? throw new ArgumentNullException(nameof(generator));
        Template = template ?? throw new ArgumentNullException(nameof(template));
        if (!ReferenceEquals(generator.Tokenizer, template.Tokenizer) && generator.Tokenizer.VocabSize != template.Tokenizer.VocabSize)
        {
            throw new ArgumentException("The generator's tokenizer must be the chat template's.", nameof(generator));
        }
    }

    /// <summary>The text generator underneath.</summary>
    public TextGenerator Generator { get; }

    /// <summary>The chat template.</summary>
    public ChatTemplate Template { get; }

    /// <summary>Options used where a call gives none (default: temperature 0.7, top-k 50, top-p 0.9, 200 new tokens).</summary>
    public GenerationOptions DefaultOptions { get; set; } = new() { Temperature = 0.7, TopK = 50, TopP = 0.9, MaxNewTokens = 200 };

    /// <summary>Writes the next assistant turn of <paramref name="conversation"/> (which must end with a user turn).</summary>
    public ChatReply Complete(IReadOnlyList<TrmChatMessage> conversation, GenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        Complete([conversation], options, cancellationToken)[0];

    /// <summary>Writes the next assistant turn of every conversation, in one batch.</summary>
    public IReadOnlyList<ChatReply> Complete(IReadOnlyList<IReadOnlyList<TrmChatMessage>> conversations, GenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversations);
        var o = ForChat(options ?? DefaultOptions);
        var prompts = conversations.Select(c => Prompt(c, o)).ToArray();
        _gate.Wait(cancellationToken);
        try
        {
            return Generator.Generate(prompts, o, cancellationToken).Select(Reply).ToArray();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Streams the next assistant turn of <paramref name="conversation"/> token by token (think block included as text).</summary>
    public async IAsyncEnumerable<GeneratedToken> CompleteStreamingAsync(IReadOnlyList<TrmChatMessage> conversation, GenerationOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var o = ForChat(options ?? DefaultOptions);
        var prompt = Prompt(conversation, o);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (var token in Generator.GenerateStreamingAsync([prompt], o, cancellationToken).ConfigureAwait(false))
            {
                yield return token;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<AiChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var conversation = ToConversation(messages);
        var generation = Map(options);
        await Task.Yield();
        var reply = Complete(conversation, generation, cancellationToken);
        var message = new AiChatMessage(AiChatRole.Assistant, reply.Content);
        if (reply.Reasoning is not null) message.Contents.Insert(0, new TextReasoningContent(reply.Reasoning));
        return new ChatResponse(message)
        {
            FinishReason = FinishReason(reply.Generation.FinishReason),
            ModelId = ModelId,
            Usage = new UsageDetails
            {
                InputTokenCount = reply.Generation.PromptTokenCount,
                OutputTokenCount = reply.Generation.TokenIds.Count,
                TotalTokenCount = reply.Generation.PromptTokenCount + reply.Generation.TokenIds.Count,
            },
        };
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<AiChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var conversation = ToConversation(messages);
        var generation = Map(options);
        await foreach (var token in CompleteStreamingAsync(conversation, generation, cancellationToken).ConfigureAwait(false))
        {
            yield return new ChatResponseUpdate(AiChatRole.Assistant, token.Text)
            {
                FinishReason = token.FinishReason is { } reason ? FinishReason(reason) : null,
                ModelId = ModelId,
            };
        }
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return new ChatClientMetadata("trm", null, ModelId);
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Generator.Dispose();
        _gate.Dispose();
    }

    private string ModelId => Generator.Model.Config.HCycles * Generator.Model.Config.LCycles > 1 ? "trm_chat_recursive" : "trm_chat";

    /// <summary><see cref="ChatOptions"/> over <see cref="DefaultOptions"/>.</summary>
    private GenerationOptions Map(ChatOptions? options)
    {
        var o = DefaultOptions;
        if (options is null) return o;
        return o with
        {
            Temperature = options.Temperature ?? o.Temperature,
            TopP = options.TopP ?? o.TopP,
            TopK = options.TopK ?? o.TopK,
            MaxNewTokens = options.MaxOutputTokens ?? o.MaxNewTokens,
            StopStrings = options.StopSequences is { Count: > 0 } stops ? [.. o.StopStrings, .. stops] : o.StopStrings,
            Seed = options.Seed ?? o.Seed,
        };
    }

    private static ChatFinishReason FinishReason(GenerationFinishReason reason) =>
        reason is GenerationFinishReason.StopToken or GenerationFinishReason.StopString ? ChatFinishReason.Stop : ChatFinishReason.Length;

    private static List<TrmChatMessage> ToConversation(IEnumerable<AiChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var conversation = new List<TrmChatMessage>();
        foreach (var m in messages)
        {
            var role = m.Role == AiChatRole.System ? TrmChatRole.System
                : m.Role == AiChatRole.User ? TrmChatRole.User
                : m.Role == AiChatRole.Assistant ? TrmChatRole.Assistant
                : throw new NotSupportedException($"ChatGenerator: messages with role '{m.Role}' are not supported (system, user and assistant only).");
            conversation.Add(new TrmChatMessage(role, m.Text));
        }

        return conversation;
    }

    /// <summary>The options with the template's end token added to the stop tokens.</summary>
    private GenerationOptions ForChat(GenerationOptions options) =>
        options.StopTokens.Contains(Template.EndId) ? options : options with { StopTokens = [.. options.StopTokens, Template.EndId] };

    private int[] Prompt(IReadOnlyList<TrmChatMessage> conversation, GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        int room = Math.Max(1, Generator.Model.MaxPositions - Math.Min(options.MaxNewTokens, Generator.Model.MaxPositions / 2));
        var rendered = Template.RenderForCompletion(conversation, room);
        if (rendered.IsEmpty) throw new ArgumentException($"The conversation's last turn does not fit in {room} tokens.", nameof(conversation));
        return rendered.Ids;
    }

    /// <summary>Splits a leading think block from the answer.</summary>
    private ChatReply Reply(GenerationResult result)
    {
        var ids = result.TokenIds.ToList();
        if (result.FinishReason == GenerationFinishReason.StopToken) ids.RemoveAt(ids.Count - 1);
        string? reasoning = null;
        if (ids.Count > 0 && ids[0] == Template.ThinkStartId)
        {
            int end = ids.IndexOf(Template.ThinkEndId);
            reasoning = Template.Tokenizer.Decode(ids.Skip(1).Take((end < 0 ? ids.Count : end) - 1));
            ids = end < 0 ? [] : ids.Skip(end + 1).ToList();
        }

        string content = result.FinishReason == GenerationFinishReason.StopString && reasoning is null
            ? result.Text
            : Template.Tokenizer.Decode(ids.ToArray(), skipSpecialTokens: true);
        return new ChatReply(content, reasoning, result);
    }
}
