using System.Text.Json;
using Trm.Data.Chat;

namespace Trm.Data.Readers;

/// <summary>Detects a chat file's format from the fields of its first JSON object record.</summary>
public static class ChatFormatDetector
{
    /// <summary>Returns the format of <paramref name="path"/> (never <see cref="ChatFormat.Auto"/>).</summary>
    /// <exception cref="TrmDataException">The file has no JSON object record, or its first record matches no known format.</exception>
    public static ChatFormat Detect(string path)
    {
        var scratch = new ReadReport();
        foreach (var record in JsonRecordSource.Read(path, scratch, MalformedRecordPolicy.Skip, CancellationToken.None, InvalidUtf8Policy.Replace))
        {
            if (record.Root.ValueKind == JsonValueKind.Array && record.Root.GetArrayLength() > 0 && record.Root[0].ValueKind == JsonValueKind.Object
                && FromFields(record.Root[0]) == ChatFormat.JsonlChat)
                return ChatFormat.JsonlChat; // a list of messages per line (nanochat's CustomJSON)
            if (record.Root.ValueKind != JsonValueKind.Object)
                continue;
            return FromFields(record.Root) ?? throw new TrmDataException(
                $"cannot detect the chat format from the first record (fields: {string.Join(", ", record.Root.EnumerateObject().Select(p => p.Name))}); give the format explicitly",
                path, record.Line, null);
        }
        throw new TrmDataException("cannot detect the chat format: the file has no JSON object record", path, null, null);
    }

    /// <summary>The format's name on the command line and in <c>dataset.json</c> (<c>alpaca</c>, <c>jsonl_chat</c>, <c>alpaca_seed</c>…).</summary>
    public static string NameOf(ChatFormat format) => format switch
    {
        ChatFormat.JsonlChat => "jsonl_chat",
        ChatFormat.AlpacaSeed => "alpaca_seed",
        _ => format.ToString().ToLowerInvariant(),
    };

    internal static ChatFormat? FromFields(JsonElement root)
    {
        bool Has(string name) => root.TryGetProperty(name, out _);
        if (Has("conversations"))
            return ChatFormat.ShareGpt;
        if (Has("messages"))
            return HasReasoning(root.GetProperty("messages")) ? ChatFormat.JsonlChat : ChatFormat.OpenAssistant;
        if (Has("role") && Has("content"))
            return ChatFormat.JsonlChat; // the first message of a bare list (nanochat's CustomJSON lines)
        if (Has("question") && Has("answer"))
            return ChatFormat.Gsm8k;
        if (Has("instruction") && Has("instances"))
            return ChatFormat.AlpacaSeed;
        if (Has("message_id") || (Has("prompt") && Has("message_tree_id")))
            return ChatFormat.Oasst;
        if (Has("instruction") && Has("response"))
            return ChatFormat.Dolly;
        if (Has("instruction") && Has("output"))
            return ChatFormat.Alpaca;
        return null;
    }

    /// <summary>Whether a message list carries reasoning traces (a reasoning field, or an assistant content opening with a think block).</summary>
    private static bool HasReasoning(JsonElement messages)
    {
        if (messages.ValueKind != JsonValueKind.Array)
            return false;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object)
                continue;
            if (JsonlChatMapper.ReasoningFields.Any(name => message.TryGetProperty(name, out _)))
                return true;
            if (message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String
                && content.GetString()!.TrimStart().StartsWith(Trm.Tokenization.Chat.ChatSpecialTokens.ThinkStart, StringComparison.Ordinal))
                return true;
        }
        return false;
    }
}
