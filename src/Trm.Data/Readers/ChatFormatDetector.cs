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
            if (record.Root.ValueKind != JsonValueKind.Object)
                continue;
            return FromFields(record.Root) ?? throw new TrmDataException(
                $"cannot detect the chat format from the first record (fields: {string.Join(", ", record.Root.EnumerateObject().Select(p => p.Name))}); give the format explicitly",
                path, record.Line, null);
        }
        throw new TrmDataException("cannot detect the chat format: the file has no JSON object record", path, null, null);
    }

    internal static ChatFormat? FromFields(JsonElement root)
    {
        bool Has(string name) => root.TryGetProperty(name, out _);
        if (Has("conversations"))
            return ChatFormat.ShareGpt;
        if (Has("messages"))
            return ChatFormat.OpenAssistant;
        if (Has("message_id") || (Has("prompt") && Has("message_tree_id")))
            return ChatFormat.Oasst;
        if (Has("instruction") && Has("response"))
            return ChatFormat.Dolly;
        if (Has("instruction") && Has("output"))
            return ChatFormat.Alpaca;
        return null;
    }
}
