using Trm.Model.Language;
using Trm.Model.Layers;
using Trm.Torch;
using Trm.Torch.Nn;
using static Trm.Torch.Engine;
using static Trm.Torch.Tensors;

namespace Trm.Model;

/// <summary>
/// The Tiny Recursive Model with adaptive computation time (the reference's <c>TinyRecursiveReasoningModel_ACTV1</c>;
/// its recursive network is the sub-module <c>inner</c>). Each <see cref="Forward"/> is one ACT step for every row of
/// the batch: rows that halted at the previous step restart from the initial states on the new batch's example,
/// the others continue on their example. In training an example halts when its halting logit says so (or at
/// <see cref="TrmConfig.HaltMaxSteps"/>), with random exploration of longer runs; in evaluation every example runs
/// all <see cref="TrmConfig.EffectiveEvalHaltMaxSteps"/> steps.
/// </summary>
public sealed class TrmModel : Module, ICausalLanguageModel
{
    private readonly TrmInner _inner;

    /// <summary>Builds the model with the reference's initialisation (on the CPU; move it with <c>To(device)</c>).</summary>
    /// <param name="config">Hyper-parameters (validated here).</param>
    /// <param name="initGenerator">Seeded generator for the initial weights, or null for the global one.</param>
    public TrmModel(TrmConfig config, Generator? initGenerator = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        _inner = RegisterModule("inner", new TrmInner(config, initGenerator));
    }

    /// <summary>The configuration the model was built with.</summary>
    public TrmConfig Config { get; }

    /// <summary>The sparse puzzle-embedding table, or null when <see cref="TrmConfig.EffectivePuzzleEmbNdim"/> is 0.</summary>
    public CastedSparseEmbedding? PuzzleEmbedding => _inner.PuzzleEmbedding;

    /// <summary>
    /// Generator for the halting-exploration draws in training (a CPU generator; draws are made on the CPU and moved
    /// to the model's device). Null uses the global generator. Save and restore its state for exact resume.
    /// </summary>
    public Generator? ExplorationGenerator { get; set; }

    /// <summary>A carry in which every row is halted, so that the first <see cref="Forward"/> loads the batch.</summary>
    /// <param name="batch">A batch of the size to be used (its values are not read).</param>
    public TrmCarry InitialCarry(TrmBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        var device = _inner.HInit.Device;
        long size = batch.Size;
        var data = new TrmBatch(
            ZerosLike(batch.Inputs).To(device), ZerosLike(batch.Labels).To(device), ZerosLike(batch.PuzzleIdentifiers).To(device));
        var carry = new TrmCarry(
            _inner.EmptyCarry(size, device),
            Zeros([size], DType.Int32, device),
            Ones([size], DType.Bool, device),
            data);
        return carry.KeepAlive();
    }

    /// <summary>One ACT step. Does not dispose <paramref name="carry"/>; the returned carry is new and owned by the caller.</summary>
    /// <param name="carry">The state after the previous step (or <see cref="InitialCarry"/>).</param>
    /// <param name="batch">Examples for the rows that halted at the previous step (other rows ignore theirs).</param>
    /// <returns>The new carry and this step's outputs (tensors in the caller's dispose scope, if any).</returns>
    public (TrmCarry Carry, TrmOutputs Outputs) Forward(TrmCarry carry, TrmBatch batch)
    {
        ArgumentNullException.ThrowIfNull(carry);
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Size != carry.Halted.Size(0))
        {
            throw new ArgumentException($"TrmModel.Forward: batch has {batch.Size} rows but the carry has {carry.Halted.Size(0)}.", nameof(batch));
        }

        using var scope = NewDisposeScope();

        // Halted rows restart: initial latent states, zero steps, and the new batch's example.
        var innerCarry = _inner.Reset(carry.Halted, carry.Inner);
        var steps = Where(carry.Halted, ZerosLike(carry.Steps), carry.Steps);
        var data = batch.Where(carry.Halted, carry.CurrentData);

        var (nextInner, logits, qHalt, qContinue) = _inner.Forward(innerCarry, data);

        Tensor halted;
        Tensor? targetQContinue = null;
        using (NoGrad())
        {
            steps = steps + OnesLike(steps);
            var isLastStep = steps.Ge(IsTraining ? Config.HaltMaxSteps : Config.EffectiveEvalHaltMaxSteps);
            halted = isLastStep;

            if (IsTraining && Config.HaltMaxSteps > 1)
            {
                halted = halted.LogicalOr(Config.NoActContinue ? qHalt.Gt(0) : qHalt.Gt(qContinue));

                // Exploration: with probability p an example must run at least U{2..HaltMaxSteps} steps.
                if (Config.HaltExplorationProb > 0)
                {
                    halted = halted.LogicalAnd(steps.Ge(MinHaltSteps(steps)));
                }

                if (!Config.NoActContinue)
                {
                    // Bootstrapped target: the Q value of the next state (no replay buffer, as the reference).
                    var (lookahead, _, nextHalt, nextContinue) = _inner.Forward(nextInner, data);
                    lookahead.Dispose();
                    var best = Where(nextHalt.Gt(nextContinue), nextHalt, nextContinue);
                    targetQContinue = Where(isLastStep, nextHalt, best).Sigmoid();
                }
            }
        }

        var newCarry = new TrmCarry(nextInner, steps, halted, data).KeepAlive();
        logits.MoveToOuterDisposeScope();
        qHalt.MoveToOuterDisposeScope();
        qContinue.MoveToOuterDisposeScope();
        targetQContinue?.MoveToOuterDisposeScope();
        return (newCarry, new TrmOutputs(logits, qHalt, qContinue, targetQContinue));
    }

    /// <inheritdoc/>
    public Device Device => _inner.HInit.Device;

    /// <inheritdoc/>
    public int MaxPositions => Config.TotalSeqLen;

    /// <summary>
    /// The causal language-model pass (<see cref="TrmConfig.Causal"/> models without puzzle embeddings): logits for every
    /// position, through <see cref="TrmConfig.HaltMaxSteps"/> ACT steps of the recursion (all of them, no halting; one
    /// step with the chat preset) and no carry object. Every application of the shared block stack attends causally.
    /// See <see cref="ICausalLanguageModel.LmForward"/>.
    /// </summary>
    /// <param name="inputIds">[B, T] token ids.</param>
    /// <param name="attentionMask">[B, T], nonzero for real tokens; null: all real.</param>
    /// <param name="cache">A cache from <see cref="CreateKvCache"/> (the pass then runs without gradients), or null.</param>
    /// <exception cref="InvalidOperationException">The model is not causal, has puzzle embeddings, or the sequence is too long.</exception>
    public Tensor LmForward(Tensor inputIds, Tensor? attentionMask = null, TrmKvCache? cache = null) =>
        LmForward(inputIds, attentionMask, cache, Config.HaltMaxSteps);

    /// <summary>As <see cref="LmForward(Tensor, Tensor?, TrmKvCache?)"/> with an explicit number of ACT steps.</summary>
    /// <param name="inputIds">[B, T] token ids.</param>
    /// <param name="attentionMask">[B, T], nonzero for real tokens; null: all real.</param>
    /// <param name="cache">A KV cache or null (a cache must always see the same number of steps).</param>
    /// <param name="steps">ACT steps to run (1 to <see cref="TrmConfig.HaltMaxSteps"/>).</param>
    public Tensor LmForward(Tensor inputIds, Tensor? attentionMask, TrmKvCache? cache, int steps)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        if (!Config.Causal || Config.PuzzleEmbPositions != 0)
        {
            throw new InvalidOperationException("TrmModel.LmForward needs a causal model without puzzle embeddings (causal = true, puzzle_emb_ndim = 0), e.g. TrmConfig.Chat.");
        }

        LanguageModelChecks.CheckInputs(inputIds, cache, MaxPositions);
        using var scope = NewDisposeScope();
        using var noGrad = cache is null ? null : NoGrad();
        var context = LmContext.Create(inputIds.Size(0), inputIds.Size(1), attentionMask, cache, _inner.Rope, Device, out var positions, out var valid);
        var logits = _inner.LmForward(inputIds.To(Device), positions, context, steps);
        cache?.Advance(valid, valid.To(DType.Int64).Sum(1));
        return scope.MoveToOuter(logits);
    }

    /// <inheritdoc/>
    public TrmKvCache CreateKvCache(long batchSize, int? capacity = null) => new(batchSize, capacity ?? MaxPositions, Device);

    /// <summary>
    /// The causal pass of <see cref="LmForward(Tensor, Tensor?, TrmKvCache?)"/> without the language-model head: the final
    /// state y at every position, through all <see cref="TrmConfig.HaltMaxSteps"/> ACT steps (no cache).
    /// </summary>
    /// <param name="inputIds">[B, T] token ids.</param>
    /// <param name="attentionMask">[B, T], nonzero for real tokens; null: all real.</param>
    /// <returns>[B, T, HiddenSize] in the forward dtype (the caller's dispose scope owns it).</returns>
    /// <exception cref="InvalidOperationException">The model is not causal, has puzzle embeddings, or the sequence is too long.</exception>
    public Tensor LmHidden(Tensor inputIds, Tensor? attentionMask = null)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        if (!Config.Causal || Config.PuzzleEmbPositions != 0)
        {
            throw new InvalidOperationException("TrmModel.LmHidden needs a causal model without puzzle embeddings (causal = true, puzzle_emb_ndim = 0), e.g. TrmConfig.Chat.");
        }

        LanguageModelChecks.CheckInputs(inputIds, null, MaxPositions);
        using var scope = NewDisposeScope();
        var context = LmContext.Create(inputIds.Size(0), inputIds.Size(1), attentionMask, null, _inner.Rope, Device, out var positions, out _);
        return scope.MoveToOuter(_inner.LmHidden(inputIds.To(Device), positions, context, Config.HaltMaxSteps));
    }

    private Tensor MinHaltSteps(Tensor steps)
    {
        long size = steps.Size(0);
        var explore = Rand([size], ExplorationGenerator).Lt(Config.HaltExplorationProb);
        var minSteps = RandInt(2, Config.HaltMaxSteps + 1, [size], ExplorationGenerator);
        return Where(explore, minSteps, ZerosLike(minSteps)).To(steps.Device, steps.DType);
    }
}
