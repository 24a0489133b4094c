using Trm.Data.Chat;
using Trm.Data.Readers;
using Trm.Data.Sft.Tasks;
using Trm.Tokenization.Chat;

namespace Trm.Rl.Evaluation;

/// <summary>Loads evaluation problems from task files.</summary>
public static class ChatTasks
{
    /// <summary>GSM8K problems (<c>question</c>, <c>answer</c> ending with <c>#### final</c>); the reference is the final answer.</summary>
    /// <param name="path">A GSM8K JSONL file (gzip or not).</param>
    /// <param name="maxProblems">Stop after this many (default: all).</param>
    /// <exception cref="Trm.Data.TrmDataException">A record is malformed.</exception>
    public static IReadOnlyList<GenerativeProblem> ReadGsm8k(string path, int? maxProblems = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var reader = new ChatFileReader(path, new ChatReaderOptions { Format = ChatFormat.Gsm8k, Reasoning = ReasoningTraces.Drop });
        var conversations = reader.Read();
        if (maxProblems is { } max) conversations = conversations.Take(max);
        return conversations.Select(c => new GenerativeProblem(
            [ChatMessage.User(c.Turns[0].Text)],
            AnswerVerifier.ExtractAnswer(c.Turns[^1].Text) ?? "",
            c.SourceId)).ToList();
    }
}
