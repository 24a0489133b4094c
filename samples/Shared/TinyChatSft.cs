using Trm.Data.Chat;
using Trm.Model;
using Trm.Tokenization;
using Trm.Tokenization.Chat;
using Trm.Torch;
using Trm.Torch.Optim;
using static Trm.Torch.Engine;

namespace Trm.Samples;

/// <summary>
/// The samples' SFT warm start: a tiny causal chat TRM and a plain supervised loop over rendered conversations
/// (AdamW, cross-entropy on the assistant tokens only), so that each sample runs offline on a CPU in a minute or two.
/// </summary>
internal static class TinyChatSft
{
    /// <summary>A small causal chat TRM sized for CPU samples.</summary>
    public static TrmModel CreateModel(ChatTemplate template, int seqLen, int seed) => new(TrmConfig.Chat with
    {
        VocabSize = template.Tokenizer.VocabSize,
        SeqLen = seqLen,
        HiddenSize = 64,
        NumHeads = 4,
        Expansion = 2,
        LLayers = 2,
        HCycles = 1,
        LCycles = 1,
        HaltMaxSteps = 1,
        HaltExplorationProb = 0,
        ForwardDType = DType.Float32,
    }, new Generator(seed));

    /// <summary>Trains <paramref name="model"/> on <paramref name="conversations"/> for <paramref name="steps"/> steps of <paramref name="batchSize"/>; returns the last loss.</summary>
    public static double Train(TrmModel model, ChatTemplate template, IReadOnlyList<Conversation> conversations, int steps, int batchSize, double lr, int seed, Action<int, double>? log = null)
    {
        var rendered = conversations.Select(c => template.Render(c.Turns.Select(t => t.ToMessage()).ToArray(), model.MaxPositions)).Where(r => !r.IsEmpty).ToArray();
        var random = new Random(seed);
        using var optimizer = new AdamW(model.Parameters(), lr: lr, beta1: 0.9, beta2: 0.95, weightDecay: 0.0);
        model.Train();
        double loss = double.NaN;
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            var batch = Enumerable.Range(0, batchSize).Select(_ => rendered[random.Next(rendered.Length)]).ToArray();
            int length = batch.Max(r => r.Length);
            var ids = new long[batchSize * length];
            var mask = new long[batchSize * length];
            var labels = new long[batchSize * (length - 1)];
            for (int b = 0; b < batchSize; b++)
            {
                for (int t = 0; t < length; t++)
                {
                    ids[b * length + t] = t < batch[b].Length ? batch[b].Ids[t] : template.PadId;
                    mask[b * length + t] = t < batch[b].Length ? 1 : 0;
                }
                for (int t = 0; t < length - 1; t++)
                    labels[b * (length - 1) + t] = t + 1 < batch[b].Length && batch[b].LossMask[t + 1] == 1 ? batch[b].Ids[t + 1] : -100;
            }
            var logits = model.LmForward(Tensors.FromArray(ids, batchSize, length), Tensors.FromArray(mask, batchSize, length));
            var l = F.CrossEntropy(logits.Narrow(1, 0, length - 1).Reshape(-1, logits.Shape[2]), Tensors.FromArray(labels, batchSize * (length - 1)));
            optimizer.ZeroGrad();
            l.Backward();
            GradClip.ClipGradNorm_(model.Parameters(), 1.0);
            optimizer.Step();
            loss = l.Item<float>();
            if ((step + 1) % 100 == 0) log?.Invoke(step + 1, loss);
        }
        model.Eval();
        return loss;
    }
}
