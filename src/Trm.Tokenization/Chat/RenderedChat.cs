namespace Trm.Tokenization.Chat;

/// <summary>
/// A conversation rendered to token ids, with a loss mask of the same length (1 where the model is trained to
/// predict the token: assistant content and the end token closing it; 0 elsewhere) and a report of any truncation.
/// </summary>
public sealed class RenderedChat
{
    internal RenderedChat(int[] ids, byte[] lossMask, int fullLength, int messagesKept, int messageCount, bool partialTurn)
    {
        Ids = ids;
        LossMask = lossMask;
        FullLength = fullLength;
        MessagesKept = messagesKept;
        MessageCount = messageCount;
        PartialTurn = partialTurn;
    }

    /// <summary>Token ids.</summary>
    public int[] Ids { get; }

    /// <summary>1 for tokens the model is trained on, 0 for the rest; same length as <see cref="Ids"/>.</summary>
    public byte[] LossMask { get; }

    /// <summary>Number of tokens.</summary>
    public int Length => Ids.Length;

    /// <summary>Length of the rendering before truncation.</summary>
    public int FullLength { get; }

    /// <summary>Whether tokens were cut (<see cref="FullLength"/> &gt; <see cref="Length"/>).</summary>
    public bool Truncated => FullLength > Ids.Length;

    /// <summary>Number of tokens cut.</summary>
    public int TokensCut => FullLength - Ids.Length;

    /// <summary>Number of messages of the conversation.</summary>
    public int MessageCount { get; }

    /// <summary>Number of messages rendered completely (start token, content, end token).</summary>
    public int MessagesKept { get; }

    /// <summary>Whether a message was cut inside (only with <see cref="ChatTruncation.Tokens"/>).</summary>
    public bool PartialTurn { get; }

    /// <summary>Number of tokens with loss mask 1.</summary>
    public int TrainedTokenCount
    {
        get
        {
            int count = 0;
            foreach (byte b in LossMask)
            {
                count += b;
            }
            return count;
        }
    }

    /// <summary>True when nothing was kept (e.g. no whole turn fits the maximum length).</summary>
    public bool IsEmpty => Ids.Length == 0;
}
