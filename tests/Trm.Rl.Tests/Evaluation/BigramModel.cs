using Trm.Model;
using Trm.Model.Language;
using Trm.Torch;

namespace Trm.Rl.Tests.Evaluation;

/// <summary>
/// A fake causal language model for evaluator tests: the logits at each position are a fixed row of a table chosen by
/// the token at that position (a bigram model), so what it answers is known exactly.
/// </summary>
internal sealed class BigramModel : ICausalLanguageModel, IDisposable
{
    private readonly Tensor _table;

    /// <summary>Creates the model: every token predicts <paramref name="fallback"/> unless <paramref name="next"/> says otherwise.</summary>
    public BigramModel(int vocab, int fallback, IReadOnlyDictionary<int, int> next)
    {
        var table = new float[vocab * vocab];
        for (var t = 0; t < vocab; t++) table[t * vocab + (next.TryGetValue(t, out var n) ? n : fallback)] = 30f;
        _table = Tensors.FromArray(table, vocab, vocab).DetachFromDisposeScope();
        Config = TrmConfig.Chat with { VocabSize = vocab, SeqLen = 256, ForwardDType = DType.Float32 };
    }

    /// <summary>Sets logit <paramref name="value"/> of token <paramref name="next"/> after token <paramref name="token"/>.</summary>
    public void Set(int token, int next, float value)
    {
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        _table.Select(0, token).Select(0, next).Fill_(value);
    }

    public TrmConfig Config { get; }

    public Device Device => Device.Cpu;

    public int MaxPositions => 256;

    public Tensor LmForward(Tensor inputIds, Tensor? attentionMask = null, TrmKvCache? cache = null) =>
        F.Embedding(inputIds.To(DType.Int64), _table);

    public TrmKvCache CreateKvCache(long batchSize, int? capacity = null) => new(batchSize, capacity ?? MaxPositions, Device);

    public void Dispose() => _table.Dispose();
}
