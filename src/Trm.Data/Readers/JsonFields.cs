using System.Text.Json;

namespace Trm.Data.Readers;

/// <summary>Typed access to the fields of a <see cref="JsonRecord"/> with errors that name the field.</summary>
internal static class JsonFields
{
    public static JsonElement RequireObject(in JsonRecord record, JsonElement element, string? field = null)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw record.Error($"must be an object, found {Kind(element)}", field);
        return element;
    }

    public static string RequiredString(in JsonRecord record, JsonElement obj, string name, string? path = null, bool allowEmpty = false)
    {
        var field = path ?? name;
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            throw record.Error("is missing", field);
        if (value.ValueKind != JsonValueKind.String)
            throw record.Error($"must be a string, found {Kind(value)}", field);
        var text = value.GetString()!;
        if (!allowEmpty && text.Trim().Length == 0)
            throw record.Error("is empty", field);
        return text;
    }

    public static string? OptionalString(in JsonRecord record, JsonElement obj, string name, string? path = null)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.String)
            throw record.Error($"must be a string, found {Kind(value)}", path ?? name);
        return value.GetString();
    }

    public static JsonElement RequiredArray(in JsonRecord record, JsonElement obj, string name, string? path = null)
    {
        var field = path ?? name;
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            throw record.Error("is missing", field);
        if (value.ValueKind != JsonValueKind.Array)
            throw record.Error($"must be a list, found {Kind(value)}", field);
        return value;
    }

    public static bool OptionalBool(in JsonRecord record, JsonElement obj, string name, bool fallback, string? path = null)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return fallback;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw record.Error($"must be true or false, found {Kind(value)}", path ?? name),
        };
    }

    public static bool? OptionalNullableBool(in JsonRecord record, JsonElement obj, string name, string? path = null)
        => obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? OptionalBool(record, obj, name, false, path) : null;

    public static int? OptionalInt(in JsonRecord record, JsonElement obj, string name, string? path = null)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || number != Math.Floor(number) || number is < int.MinValue or > int.MaxValue)
            throw record.Error($"must be an integer, found {Kind(value)} {value.GetRawText()}", path ?? name);
        return (int)number;
    }

    /// <summary>The JSON kind in lower case (<c>number</c>, <c>object</c>, …) for error messages.</summary>
    public static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "list",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
