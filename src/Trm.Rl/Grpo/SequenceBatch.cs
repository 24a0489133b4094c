using Trm.Torch;

namespace Trm.Rl.Grpo;

/// <summary>
/// Prompt + reply sequences right-padded into one batch for the loss forward pass. Position t of
/// <see cref="Targets"/>, <see cref="Mask"/> and <see cref="OldLogProbs"/> describes the token at t + 1 (what the
/// logits at t predict); the mask is 1 exactly on the reply's tokens.
/// </summary>
internal sealed class SequenceBatch
{
    private SequenceBatch(Tensor ids, Tensor attentionMask, Tensor targets, Tensor mask, Tensor oldLogProbs, int length, int tokenCount)
    {
        Ids = ids;
        AttentionMask = attentionMask;
        Targets = targets;
        Mask = mask;
        OldLogProbs = oldLogProbs;
        Length = length;
        TokenCount = tokenCount;
    }

    /// <summary>[B, L] int64 token ids.</summary>
    public Tensor Ids { get; }

    /// <summary>[B, L] int64, 1 for real tokens.</summary>
    public Tensor AttentionMask { get; }

    /// <summary>[B, L − 1] int64 next tokens.</summary>
    public Tensor Targets { get; }

    /// <summary>[B, L − 1] float32, 1 on reply tokens.</summary>
    public Tensor Mask { get; }

    /// <summary>[B, L − 1] float32 sampling log-probabilities of the reply tokens (0 elsewhere).</summary>
    public Tensor OldLogProbs { get; }

    /// <summary>L.</summary>
    public int Length { get; }

    /// <summary>Reply tokens in the batch.</summary>
    public int TokenCount { get; }

    /// <summary>Builds the batch (tensors in the caller's dispose scope).</summary>
    public static SequenceBatch Create(IReadOnlyList<(int[] Prompt, int[] Response, float[] OldLogProbs)> rows, int padId, Device device)
    {
        int length = rows.Max(r => r.Prompt.Length + r.Response.Length);
        int batch = rows.Count;
        var ids = new long[batch * length];
        var attention = new long[batch * length];
        var targets = new long[batch * (length - 1)];
        var mask = new float[batch * (length - 1)];
        var old = new float[batch * (length - 1)];
        int tokens = 0;
        for (int b = 0; b < batch; b++)
        {
            var (prompt, response, logProbs) = rows[b];
            if (logProbs.Length != response.Length) throw new ArgumentException($"row {b}: {response.Length} reply tokens but {logProbs.Length} log-probabilities", nameof(rows));
            int n = prompt.Length + response.Length;
            for (int t = 0; t < length; t++)
            {
                ids[b * length + t] = t < prompt.Length ? prompt[t] : t < n ? response[t - prompt.Length] : padId;
                attention[b * length + t] = t < n ? 1 : 0;
            }
            for (int t = 0; t < length - 1; t++)
            {
                targets[b * (length - 1) + t] = ids[b * length + t + 1];
                int j = t + 1 - prompt.Length; // index of the target in the reply
                if (j >= 0 && j < response.Length)
                {
                    mask[b * (length - 1) + t] = 1;
                    old[b * (length - 1) + t] = logProbs[j];
                    tokens++;
                }
            }
        }
        return new SequenceBatch(
            Tensors.FromArray(ids, batch, length).To(device),
            Tensors.FromArray(attention, batch, length).To(device),
            Tensors.FromArray(targets, batch, length - 1).To(device),
            Tensors.FromArray(mask, batch, length - 1).To(device),
            Tensors.FromArray(old, batch, length - 1).To(device),
            length,
            tokens);
    }
}
