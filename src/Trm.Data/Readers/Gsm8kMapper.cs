using System.Text.RegularExpressions;
using Trm.Data.Chat;
using Trm.Tokenization.Chat;

namespace Trm.Data.Readers;

/// <summary>
/// GSM8K records (<c>question</c>, <c>answer</c> = worked solution, then a line <c>#### final</c>): user = question;
/// the reply is <c>#### final</c>, with the solution as its think trace, before it as plain text, or dropped
/// (<see cref="ReasoningTraces"/>). Calculator annotations <c>&lt;&lt;48/2=24&gt;&gt;</c> are removed from the solution
/// (we have no calculator tool). The reply keeps the <c>#### final</c> spelling so GSM8K's answer check applies.
/// </summary>
internal sealed partial class Gsm8kMapper(ReasoningTraces traces) : IConversationMapper
{
    /// <summary>The marker before the final answer.</summary>
    internal const string AnswerMarker = "####";

    public Conversation Map(in JsonRecord record)
    {
        var root = JsonFields.RequireObject(record, record.Root);
        var question = JsonFields.RequiredString(record, root, "question");
        var answer = JsonFields.RequiredString(record, root, "answer");
        var (solution, final) = SplitAnswer(answer) ?? throw record.Error("has no '#### <final answer>' line", "answer");
        var reply = AnswerMarker + " " + final;
        var turn = JsonlChatMapper.WithTrace(ChatRole.Assistant, reply, solution, traces, "\n");
        return new Conversation([new ChatTurn(ChatRole.User, question), turn], record.SourceId);
    }

    /// <summary>The solution (annotations removed, trimmed) and the final answer (trimmed), or null without a non-empty <c>####</c> answer.</summary>
    internal static (string Solution, string Final)? SplitAnswer(string answer)
    {
        var marker = answer.LastIndexOf(AnswerMarker, StringComparison.Ordinal);
        if (marker < 0)
            return null;
        var final = answer[(marker + AnswerMarker.Length)..].Trim();
        if (final.Length == 0)
            return null;
        var solution = Calculator().Replace(answer[..marker], "").Trim();
        return (solution, final);
    }

    [GeneratedRegex("<<[^<>]*>>")]
    private static partial Regex Calculator();
}
