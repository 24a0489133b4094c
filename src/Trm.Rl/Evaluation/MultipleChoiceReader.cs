using System.Text.Json;
using Trm.Data;
using Trm.Data.Readers;

namespace Trm.Rl.Evaluation;

/// <summary>
/// Reads multiple-choice questions from JSONL (gzip or not), one per line, in any of these layouts:
/// <list type="bullet">
/// <item>AI2 ARC: <c>{"question":{"stem":…,"choices":[{"text":…,"label":"A"}…]},"answerKey":"A"}</c>;</item>
/// <item>Hugging Face ARC: <c>{"question":…,"choices":{"text":[…],"label":[…]},"answerKey":"A"}</c>;</item>
/// <item>MMLU style: <c>{"question":…,"choices":[…],"answer":2}</c> (an index, or a letter).</item>
/// </list>
/// Labels such as <c>1</c>–<c>4</c> are matched to their position; choices are lettered A, B, C… in file order.
/// </summary>
public static class MultipleChoiceReader
{
    /// <summary>Reads every question of <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxProblems">Stop after this many (default: all).</param>
    /// <exception cref="TrmDataException">A record is malformed (the message names the file, line and field).</exception>
    public static IReadOnlyList<MultipleChoiceProblem> Read(string path, int? maxProblems = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new TrmDataException("file not found", path, null, null);
        var problems = new List<MultipleChoiceProblem>();
        using var reader = new StreamReader(DataFile.OpenRead(path));
        long line = 0;
        while (reader.ReadLine() is { } text && (maxProblems is null || problems.Count < maxProblems))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            try
            {
                using var document = JsonDocument.Parse(text);
                problems.Add(Parse(document.RootElement, path, line));
            }
            catch (JsonException e)
            {
                throw new TrmDataException($"invalid JSON: {e.Message}", path, line, null, e);
            }
        }
        return problems;
    }

    private static MultipleChoiceProblem Parse(JsonElement root, string path, long line)
    {
        TrmDataException Error(string reason, string field) => new(reason, path, line, field);
        if (root.ValueKind != JsonValueKind.Object) throw Error("a question must be a JSON object", "question");
        if (!root.TryGetProperty("question", out var question)) throw Error("is missing", "question");
        var choicesElement = root.TryGetProperty("choices", out var c) ? c : default;
        if (question.ValueKind == JsonValueKind.Object)
        {
            choicesElement = question.TryGetProperty("choices", out var nested) ? nested : throw Error("is missing", "question.choices");
            question = question.TryGetProperty("stem", out var stem) ? stem : throw Error("is missing", "question.stem");
        }
        if (question.ValueKind != JsonValueKind.String) throw Error("must be a string", "question");

        List<string> texts;
        List<string> labels;
        switch (choicesElement.ValueKind)
        {
            case JsonValueKind.Array when choicesElement.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Object):
                texts = choicesElement.EnumerateArray().Select((e, i) => StringField(e, "text", $"choices[{i}].text", Error)).ToList();
                labels = choicesElement.EnumerateArray().Select((e, i) => StringField(e, "label", $"choices[{i}].label", Error)).ToList();
                break;
            case JsonValueKind.Array:
                texts = choicesElement.EnumerateArray().Select((e, i) => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Error("must be a string", $"choices[{i}]")).ToList();
                labels = texts.Select((_, i) => MultipleChoiceProblem.Letter(i)).ToList();
                break;
            case JsonValueKind.Object:
                texts = StringList(choicesElement, "text", Error);
                labels = StringList(choicesElement, "label", Error);
                if (labels.Count != texts.Count) throw Error($"has {labels.Count} labels for {texts.Count} texts", "choices.label");
                break;
            default:
                throw Error("is missing (a list of choices, or {text, label})", "choices");
        }
        if (texts.Count < 2 || texts.Count > 26) throw Error($"must have 2 to 26 choices, found {texts.Count}", "choices");

        int answer;
        if (root.TryGetProperty("answerKey", out var key) && key.ValueKind == JsonValueKind.String)
        {
            answer = labels.IndexOf(key.GetString()!);
            if (answer < 0) throw Error($"'{key.GetString()}' is not one of the labels {string.Join(", ", labels)}", "answerKey");
        }
        else if (root.TryGetProperty("answer", out var index) && index.ValueKind == JsonValueKind.Number && index.TryGetInt32(out var i))
        {
            answer = i;
        }
        else if (root.TryGetProperty("answer", out var letter) && letter.ValueKind == JsonValueKind.String)
        {
            answer = labels.IndexOf(letter.GetString()!);
        }
        else
        {
            throw Error("is missing (answerKey, or answer as an index or a letter)", "answer");
        }
        if (answer < 0 || answer >= texts.Count) throw Error($"does not name one of the {texts.Count} choices", "answer");
        return new MultipleChoiceProblem(question.GetString()!, texts, answer, $"{Path.GetFileName(path)}:{line}");
    }

    private static string StringField(JsonElement obj, string name, string field, Func<string, string, TrmDataException> error) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : throw error("must be a string", field);

    private static List<string> StringList(JsonElement obj, string name, Func<string, string, TrmDataException> error) =>
        obj.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select((e, i) => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw error("must be a string", $"choices.{name}[{i}]")).ToList()
            : throw error("must be a list of strings", $"choices.{name}");
}
