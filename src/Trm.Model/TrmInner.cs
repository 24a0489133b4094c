using Trm.Model.Language;
using Trm.Model.Layers;
using Trm.Torch;
using Trm.Torch.Nn;
using static Trm.Torch.Engine;
using static Trm.Torch.Tensors;

namespace Trm.Model;

/// <summary>
/// The recursive network of one ACT step (the reference's <c>TinyRecursiveReasoningModel_ACTV1_Inner</c>).
/// With x the embedded question, y the answer state and z the latent state, one step is
/// <code>
/// without gradients, H_cycles − 1 times:  L_cycles times z = f(z, y + x);  then y = f(y, z)
/// with gradients, once more:               L_cycles times z = f(z, y + x);  then y = f(y, z)
/// logits = lm_head(y) without the puzzle prefix;  (q_halt, q_continue) = q_head(y at position 0)
/// </code>
/// where f is the one shared <c>L_level</c> stack. State keys: <c>embed_tokens</c>, <c>lm_head</c>, <c>q_head</c>,
/// <c>puzzle_emb</c>, <c>embed_pos</c>, <c>L_level</c>, <c>H_init</c>, <c>L_init</c>.
/// </summary>
internal sealed class TrmInner : Module
{
    private readonly TrmConfig _config;
    private readonly double _embedScale;
    private readonly CastedEmbedding _embedTokens;
    private readonly CastedLinear _lmHead;
    private readonly CastedLinear _qHead;
    private readonly RotaryEmbedding? _rope;
    private readonly CastedEmbedding? _embedPos;
    private readonly TrmReasoningModule _f;

    public TrmInner(TrmConfig config, Generator? generator)
    {
        _config = config;
        _embedScale = Math.Sqrt(config.HiddenSize);
        double embedStd = 1.0 / _embedScale;
        var dtype = config.ForwardDType;

        _embedTokens = RegisterModule("embed_tokens", new CastedEmbedding(config.VocabSize, config.HiddenSize, embedStd, dtype, generator));
        _lmHead = RegisterModule("lm_head", new CastedLinear(config.HiddenSize, config.VocabSize, bias: false, generator));
        _qHead = RegisterModule("q_head", new CastedLinear(config.HiddenSize, 2, bias: true, generator));
        if (config.EffectivePuzzleEmbNdim > 0)
        {
            PuzzleEmbedding = RegisterModule("puzzle_emb",
                new CastedSparseEmbedding(config.NumPuzzleIdentifiers, config.EffectivePuzzleEmbNdim, config.BatchSize, dtype));
        }

        if (config.PosEncodings == PositionEncoding.Rope && !config.MlpT)
        {
            _rope = RegisterModule("rotary_emb", new RotaryEmbedding(config.HiddenSize / config.NumHeads, config.TotalSeqLen, config.RopeTheta));
        }
        else if (config.PosEncodings == PositionEncoding.Learned)
        {
            _embedPos = RegisterModule("embed_pos", new CastedEmbedding(config.TotalSeqLen, config.HiddenSize, embedStd, dtype, generator));
        }

        _f = RegisterModule("L_level", new TrmReasoningModule(config, generator));

        HInit = RegisterBuffer("H_init", InitialState(config, generator));
        LInit = RegisterBuffer("L_init", InitialState(config, generator));

        // The halting head starts at (almost) "never halt": zero weight, bias -5.
        using (NoGrad())
        {
            _qHead.Weight.Zero_();
            _qHead.Bias!.Fill_(-5);
        }
    }

    public CastedSparseEmbedding? PuzzleEmbedding { get; }

    /// <summary>y₀ = H_init, [HiddenSize] in the forward dtype.</summary>
    public Tensor HInit { get; }

    /// <summary>z₀ = L_init, [HiddenSize] in the forward dtype.</summary>
    public Tensor LInit { get; }

    private static Tensor InitialState(TrmConfig config, Generator? generator)
    {
        var state = Empty([config.HiddenSize]);
        TruncatedNormal.Init_(state, 1.0, generator);
        return config.ForwardDType == DType.Float32 ? state : state.To(config.ForwardDType);
    }

    /// <summary>One ACT step of recursion: the new (gradient-free) carry, token logits and the two Q logits.</summary>
    public (TrmInnerCarry Carry, Tensor Logits, Tensor QHalt, Tensor QContinue) Forward(TrmInnerCarry carry, TrmBatch batch)
    {
        using var scope = NewDisposeScope();
        var x = InputEmbeddings(batch.Inputs, batch.PuzzleIdentifiers);
        var y = carry.ZH;
        var z = carry.ZL;

        using (NoGrad())
        {
            for (int h = 0; h < _config.HCycles - 1; h++)
            {
                (y, z) = Cycle(y, z, x);
            }
        }

        (y, z) = Cycle(y, z, x); // the last cycle, with gradients

        var next = new TrmInnerCarry(y.Detach(), z.Detach()).KeepAlive();
        var logits = _lmHead.Forward(y).Narrow(1, _config.PuzzleEmbPositions, _config.SeqLen);
        var q = _qHead.Forward(y.Narrow(1, 0, 1).Squeeze(1)).To(DType.Float32);
        var qHalt = q.Narrow(1, 0, 1).Squeeze(1);
        var qContinue = q.Narrow(1, 1, 1).Squeeze(1);
        logits.MoveToOuterDisposeScope();
        qHalt.MoveToOuterDisposeScope();
        qContinue.MoveToOuterDisposeScope();
        return (next, logits, qHalt, qContinue);
    }

    /// <summary>
    /// The causal language-model pass over the new positions of <paramref name="lm"/>: <paramref name="steps"/> ACT
    /// steps of the same recursion, every position starting from (H_init, L_init) and each step continuing from the
    /// previous one's states (no halting: every position runs every step, as evaluation does). Logits from the last step.
    /// <code>
    /// y, z = H_init, L_init
    /// repeat steps times (only the last step's last cycle with gradients):
    ///     H_cycles times:  L_cycles times z = f(z, y + x);  then y = f(y, z)
    /// logits = lm_head(y)
    /// </code>
    /// </summary>
    /// <returns>[B, T, VocabSize] logits in the forward dtype.</returns>
    public Tensor LmForward(Tensor inputs, Tensor positions, LmContext lm, int steps)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(_lmHead.Forward(LmHidden(inputs, positions, lm, steps)));
    }

    /// <summary>As <see cref="LmForward"/> without the head: the final state y, [B, T, HiddenSize] in the forward dtype.</summary>
    public Tensor LmHidden(Tensor inputs, Tensor positions, LmContext lm, int steps)
    {
        using var scope = NewDisposeScope();
        var x = LmEmbeddings(inputs, positions);
        long[] shape = [inputs.Size(0), inputs.Size(1), _config.HiddenSize];
        var y = HInit.Expand(shape);
        var z = LInit.Expand(shape);

        for (int step = 1; step <= steps; step++)
        {
            using (NoGrad())
            {
                for (int h = 0; h < _config.HCycles - 1; h++)
                {
                    (y, z) = Cycle(y, z, x, lm);
                }
            }

            using (step < steps ? NoGrad() : null) // the carry between ACT steps is detached
            {
                (y, z) = Cycle(y, z, x, lm);
            }
        }

        return scope.MoveToOuter(y);
    }

    /// <summary>One outer cycle: L_cycles updates z = f(z, y + x), then y = f(y, z).</summary>
    private (Tensor Y, Tensor Z) Cycle(Tensor y, Tensor z, Tensor x, LmContext? lm = null)
    {
        // The cycle's intermediate states are freed at its end (autograd keeps what backward needs).
        using var scope = NewDisposeScope();
        for (int l = 0; l < _config.LCycles; l++)
        {
            z = _f.Forward(z, y + x, _rope, lm);
        }

        y = _f.Forward(y, z, _rope, lm);
        return (scope.MoveToOuter(y), scope.MoveToOuter(z));
    }

    /// <summary>The rotary tables (null without RoPE).</summary>
    public RotaryEmbedding? Rope => _rope;

    /// <summary>x of a language-model pass: token embeddings (plus learned positions at each token's position), scaled by √hidden.</summary>
    private Tensor LmEmbeddings(Tensor inputs, Tensor positions)
    {
        var embedding = _embedTokens.Forward(inputs);
        if (_embedPos is not null)
        {
            var table = Casting.To(_embedPos.EmbeddingWeight, _config.ForwardDType);
            embedding = 0.707106781 * (embedding + F.Embedding(positions, table));
        }

        return _embedScale * embedding;
    }

    /// <summary>x: token embeddings with the puzzle embedding prepended, positions added, scaled by √hidden.</summary>
    private Tensor InputEmbeddings(Tensor inputs, Tensor puzzleIdentifiers)
    {
        var embedding = _embedTokens.Forward(inputs);

        if (PuzzleEmbedding is not null)
        {
            var puzzle = PuzzleEmbedding.Forward(puzzleIdentifiers);
            long padCount = (long)_config.PuzzleEmbPositions * _config.HiddenSize - puzzle.Size(-1);
            if (padCount > 0)
            {
                puzzle = F.Pad(puzzle, [0, padCount]);
            }

            embedding = Cat([puzzle.View(-1, _config.PuzzleEmbPositions, _config.HiddenSize), embedding], -2);
        }

        if (_embedPos is not null)
        {
            // 1/√2 keeps the forward variance of token + position.
            embedding = 0.707106781 * (embedding + Casting.To(_embedPos.EmbeddingWeight, _config.ForwardDType));
        }

        return _embedScale * embedding;
    }

    /// <summary>Rows flagged in <paramref name="reset"/> restart from (H_init, L_init); the others keep their state.</summary>
    public TrmInnerCarry Reset(Tensor reset, TrmInnerCarry carry)
    {
        var rows = reset.View(-1, 1, 1);
        return new TrmInnerCarry(Where(rows, HInit, carry.ZH), Where(rows, LInit, carry.ZL));
    }

    /// <summary>An all-zero carry of the right shape (every row is reset at the first step anyway).</summary>
    public TrmInnerCarry EmptyCarry(long batchSize, Device device)
    {
        long[] shape = [batchSize, _config.TotalSeqLen, _config.HiddenSize];
        return new TrmInnerCarry(Zeros(shape, _config.ForwardDType, device), Zeros(shape, _config.ForwardDType, device));
    }
}
