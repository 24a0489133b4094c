using Trm.Data.Oasst;
using Trm.Tokenization.Chat;
using Trm.Torch;

namespace Trm.Rl.RewardModel;

/// <summary>
/// Turns a prompt and its replies into the token sequences a reward model scores: the conversation rendered for
/// completion (ending with <c>&lt;|assistant|&gt;</c>) followed by the reply and <c>&lt;|end|&gt;</c>. A sequence longer than
/// <see cref="RewardModelOptions.MaxLength"/> loses the start of the prefix (the oldest tokens) and the end of the reply:
/// the prefix keeps at least <see cref="RewardModelOptions.MinPrefixLength"/> tokens (or all it has), the longest reply gets
/// the rest, and every reply of the group is cut to the same budget.
/// </summary>
public sealed class RewardCollator
{
    private readonly ChatTemplate _template;

    /// <summary>Creates a collator.</summary>
    /// <param name="template">The chat template (its tokenizer must fit the model's vocabulary).</param>
    /// <param name="options">Lengths and reply count (validated).</param>
    public RewardCollator(ChatTemplate template, RewardModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _template = template;
        Options = options;
    }

    /// <summary>The options in effect.</summary>
    public RewardModelOptions Options { get; }

    /// <summary>The chat template.</summary>
    public ChatTemplate Template => _template;

    /// <summary>The group of one ranked prompt: its best <see cref="RewardModelOptions.MaxReplies"/> replies, encoded.</summary>
    /// <param name="item">A ranked prompt (replies best first).</param>
    public RankedGroup Encode(RankedReplies item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var replies = item.Replies.Take(Options.MaxReplies).ToList();
        var sequences = Encode(item.Context.Turns.Select(t => t.ToMessage()).ToList(), replies.Select(r => r.Text).ToList());
        return new RankedGroup(sequences, replies.Select((r, i) => r.Rank ?? i).ToList(), RewardDataSplit.GroupOf(item));
    }

    /// <summary>The token ids of each reply to <paramref name="context"/>, truncated together.</summary>
    /// <param name="context">The conversation; it ends with a user turn.</param>
    /// <param name="replies">The replies.</param>
    public IReadOnlyList<int[]> Encode(IReadOnlyList<ChatMessage> context, IReadOnlyList<string> replies)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(replies);
        var prefix = _template.RenderForCompletion(context).Ids;
        var encoded = replies.Select(r => (int[])[.. _template.Tokenizer.EncodeToIds(r), _template.EndId]).ToList();
        var max = Options.MaxLength;
        var longest = encoded.Count == 0 ? 0 : encoded.Max(r => r.Length);
        var minPrefix = Math.Min(Options.MinPrefixLength, max / 2);
        var prefixBudget = Math.Min(prefix.Length, Math.Max(minPrefix, max - longest));
        var replyBudget = max - prefixBudget;
        var kept = prefix[(prefix.Length - prefixBudget)..];
        return encoded.Select(r => (int[])[.. kept, .. r[..Math.Min(r.Length, replyBudget)]]).ToList();
    }

    /// <summary>Right-pads <paramref name="sequences"/> into [N, T] int64 ids and a [N, T] bool mask on <paramref name="device"/>.</summary>
    /// <param name="sequences">Token ids.</param>
    /// <param name="padId">The padding id.</param>
    /// <param name="device">Target device.</param>
    public static (Tensor Ids, Tensor Mask) Pad(IReadOnlyList<int[]> sequences, int padId, Device device)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var length = sequences.Max(s => s.Length);
        var ids = new long[sequences.Count * length];
        var mask = new bool[sequences.Count * length];
        Array.Fill(ids, padId);
        for (var i = 0; i < sequences.Count; i++)
            for (var t = 0; t < sequences[i].Length; t++)
            {
                ids[i * length + t] = sequences[i][t];
                mask[i * length + t] = true;
            }
        using var scope = Engine.NewDisposeScope();
        var idTensor = Tensors.FromArray(ids, sequences.Count, length).To(device);
        var maskTensor = Tensors.FromArray(mask, sequences.Count, length).To(device);
        return (scope.MoveToOuter(idTensor), scope.MoveToOuter(maskTensor));
    }
}
