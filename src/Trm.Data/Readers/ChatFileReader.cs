using Trm.Data.Chat;
using Trm.Data.Oasst;

namespace Trm.Data.Readers;

/// <summary>
/// Reads conversations from one chat/instruction file (Alpaca, Dolly, ShareGPT, OpenAssistant messages, OASST1 trees,
/// JSONL chat, GSM8K, seed tasks; JSONL, JSON list or Parquet; gzip or not) in constant memory (except flat OASST rows, which are held until the trees are rebuilt).
/// </summary>
/// <example>
/// <code>
/// var reader = new ChatFileReader("alpaca_data.json", new ChatReaderOptions { OnMalformed = MalformedRecordPolicy.Skip });
/// foreach (var conversation in reader.Read()) { ... }
/// Console.WriteLine(reader.Report); // counts and the skipped records' file:line
/// </code>
/// </example>
public sealed class ChatFileReader
{
    /// <summary>Creates a reader for <paramref name="path"/>.</summary>
    public ChatFileReader(string path, ChatReaderOptions? options = null)
    {
        Path = path;
        Options = options ?? new ChatReaderOptions();
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>The options.</summary>
    public ChatReaderOptions Options { get; }

    /// <summary>Counts and skipped records of the last <see cref="Read"/> (filled as it is enumerated).</summary>
    public ReadReport Report { get; private set; } = new();

    /// <summary>The format read: the given one, or the detected one once <see cref="Read"/> has started.</summary>
    public ChatFormat Format { get; private set; }

    /// <summary>Enumerates the conversations. Each enumeration re-reads the file and starts a fresh <see cref="Report"/>.</summary>
    public IEnumerable<Conversation> Read(CancellationToken cancellationToken = default)
    {
        Report = new ReadReport();
        Format = Options.Format == ChatFormat.Auto ? ChatFormatDetector.Detect(Path) : Options.Format;
        return Format == ChatFormat.Oasst ? ReadOasst(Report, cancellationToken) : ReadRecords(Report, cancellationToken);
    }

    private IEnumerable<Conversation> ReadRecords(ReadReport report, CancellationToken cancellationToken)
    {
        IConversationMapper mapper = Format switch
        {
            ChatFormat.Alpaca => new AlpacaMapper(),
            ChatFormat.Dolly => new DollyMapper(),
            ChatFormat.ShareGpt => TurnListMapper.ShareGpt,
            ChatFormat.OpenAssistant => TurnListMapper.OpenAssistant,
            ChatFormat.JsonlChat => new JsonlChatMapper(Options.Reasoning),
            ChatFormat.Gsm8k => new Gsm8kMapper(Options.Reasoning),
            ChatFormat.AlpacaSeed => new AlpacaSeedMapper(),
            _ => throw new ArgumentOutOfRangeException(nameof(Format)),
        };
        foreach (var record in JsonRecordSource.Read(Path, report, Options.OnMalformed, cancellationToken, Options.InvalidUtf8))
        {
            IReadOnlyList<Conversation> conversations;
            try
            {
                conversations = mapper.MapAll(record);
            }
            catch (TrmDataException error) when (Options.OnMalformed == MalformedRecordPolicy.Skip)
            {
                report.AddSkip(error);
                continue;
            }
            foreach (var conversation in conversations)
            {
                report.ConversationsProduced++;
                yield return conversation;
            }
        }
    }

    private IEnumerable<Conversation> ReadOasst(ReadReport report, CancellationToken cancellationToken)
    {
        foreach (var tree in OasstTreeReader.ReadTrees(Path, report, Options.OnMalformed, cancellationToken, Options.InvalidUtf8))
        {
            var produced = false;
            foreach (var thread in OasstThreads.Extract(tree, Options.Oasst))
            {
                produced = true;
                report.ConversationsProduced++;
                yield return thread;
            }
            if (!produced)
                report.Filtered++;
        }
    }
}
