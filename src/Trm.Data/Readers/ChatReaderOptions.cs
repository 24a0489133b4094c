using Trm.Data.Chat;
using Trm.Data.Oasst;

namespace Trm.Data.Readers;

/// <summary>How a chat file is read.</summary>
public sealed record ChatReaderOptions
{
    /// <summary>The file format; <see cref="ChatFormat.Auto"/> (default) detects it from the first record.</summary>
    public ChatFormat Format { get; init; } = ChatFormat.Auto;

    /// <summary>Throw on the first malformed record (default) or skip and count malformed records.</summary>
    public MalformedRecordPolicy OnMalformed { get; init; } = MalformedRecordPolicy.Throw;

    /// <summary>Stop on bytes that are not UTF-8 (default), or replace/drop them and count them in <see cref="ReadReport.InvalidUtf8"/>.</summary>
    public InvalidUtf8Policy InvalidUtf8 { get; init; } = InvalidUtf8Policy.Error;

    /// <summary>Thread extraction options for OASST1 files.</summary>
    public OasstOptions Oasst { get; init; } = new();

    /// <summary>What reasoning traces become (JSONL chat, GSM8K): think blocks (default), plain reply text, or nothing.</summary>
    public ReasoningTraces Reasoning { get; init; } = ReasoningTraces.Think;
}
