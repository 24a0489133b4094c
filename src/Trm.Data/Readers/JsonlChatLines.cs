using System.Text.Json;

namespace Trm.Data.Readers;

/// <summary>
/// Tells nanochat's CustomJSON files (one JSON list of <c>role</c>/<c>content</c> messages per line) from a JSON list
/// spread over the file: both start with <c>[</c>, but only the first has a complete list of messages on its first line.
/// </summary>
internal static class JsonlChatLines
{
    /// <summary>The longest first line looked at; a longer one is taken for a JSON list.</summary>
    private const int MaxPeek = 1 << 20;

    /// <summary>Whether the first line of <paramref name="path"/> is a complete JSON list whose first element is an object with a <c>role</c>.</summary>
    public static bool IsMessageListPerLine(string path)
    {
        using var stream = DataFile.OpenRead(path);
        var buffer = new byte[MaxPeek];
        var length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        var line = buffer.AsSpan(0, length);
        var newline = line.IndexOf((byte)'\n');
        if (newline < 0 && length == MaxPeek)
            return false;
        if (newline >= 0)
            line = line[..newline];
        try
        {
            using var document = JsonDocument.Parse(line.ToArray());
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0
                && root[0].ValueKind == JsonValueKind.Object && root[0].TryGetProperty("role", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
