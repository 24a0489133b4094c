using Trm.Data.Chat;
using Trm.Tokenization.Chat;

namespace Trm.Data.Readers;

/// <summary>
/// Formats that hold a list of turns: ShareGPT (<c>conversations</c> of <c>from</c>/<c>value</c>) and OpenAssistant-style
/// <c>messages</c> (<c>role</c>/<c>content</c>). Role names are matched case-insensitively.
/// </summary>
internal sealed class TurnListMapper : IConversationMapper
{
    private readonly string _listField;
    private readonly string _roleField;
    private readonly string _textField;

    private TurnListMapper(string listField, string roleField, string textField)
    {
        _listField = listField;
        _roleField = roleField;
        _textField = textField;
    }

    public static TurnListMapper ShareGpt { get; } = new("conversations", "from", "value");

    public static TurnListMapper OpenAssistant { get; } = new("messages", "role", "content");

    public Conversation Map(in JsonRecord record)
    {
        var root = JsonFields.RequireObject(record, record.Root);
        var list = JsonFields.RequiredArray(record, root, _listField);
        var turns = new List<ChatTurn>(list.GetArrayLength());
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var path = $"{_listField}[{index}]";
            JsonFields.RequireObject(record, item, path);
            var roleName = JsonFields.RequiredString(record, item, _roleField, $"{path}.{_roleField}");
            var role = ParseRole(roleName) ?? throw record.Error($"unknown role '{roleName}'", $"{path}.{_roleField}");
            var text = JsonFields.RequiredString(record, item, _textField, $"{path}.{_textField}");
            turns.Add(new ChatTurn(role, text));
            index++;
        }
        if (turns.Count == 0)
            throw record.Error("has no turns", _listField);
        if (!turns.Any(t => t.Role == ChatRole.Assistant))
            throw record.Error("has no assistant turn", _listField);
        var id = root.TryGetProperty("id", out var idElement) && idElement.ValueKind == System.Text.Json.JsonValueKind.String ? idElement.GetString()! : record.SourceId;
        return new Conversation(turns, id);
    }

    /// <summary>Maps the role names of ShareGPT, OpenAI/OpenAssistant and OASST to <see cref="ChatRole"/>.</summary>
    internal static ChatRole? ParseRole(string name) => name.Trim().ToLowerInvariant() switch
    {
        "system" => ChatRole.System,
        "human" or "user" or "prompter" => ChatRole.User,
        "gpt" or "assistant" or "chatgpt" or "bard" or "bing" or "model" => ChatRole.Assistant,
        _ => null,
    };
}
