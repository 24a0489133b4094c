using Trm.Model;
using Trm.Torch;
using Trm.Torch.Nn;
using static Trm.Torch.Engine;
using static Trm.Torch.Tensors;

namespace Trm.Training.Losses;

/// <summary>
/// Wraps a <see cref="TrmModel"/> (sub-module <c>model</c>, so state keys read <c>model.inner.…</c> as the
/// reference's) and turns each ACT step into a loss and metrics (the reference's <c>ACTLossHead</c>):
/// lm loss = Σ_examples mean over labelled tokens of the token loss; q_halt loss = Σ BCE(q_halt, whole answer
/// correct); total = lm + 0.5·(q_halt + q_continue).
/// </summary>
public sealed class ActLossHead : Module
{
    private const long IgnoreLabel = -100;

    /// <summary>Wraps <paramref name="model"/>.</summary>
    /// <param name="model">The TRM.</param>
    /// <param name="kind">Token loss.</param>
    public ActLossHead(TrmModel model, LossKind kind = LossKind.StablemaxCrossEntropy)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = RegisterModule("model", model);
        Kind = kind;
    }

    /// <summary>The wrapped model.</summary>
    public TrmModel Model { get; }

    /// <summary>The token loss in use.</summary>
    public LossKind Kind { get; }

    /// <summary>See <see cref="TrmModel.InitialCarry"/>.</summary>
    /// <param name="batch">A batch of the size to be used.</param>
    public TrmCarry InitialCarry(TrmBatch batch) => Model.InitialCarry(batch);

    /// <summary>One ACT step with its loss and metrics. Does not dispose <paramref name="carry"/>.</summary>
    /// <param name="carry">The previous carry.</param>
    /// <param name="batch">Examples for the rows that halted at the previous step.</param>
    public ActStepResult Forward(TrmCarry carry, TrmBatch batch)
    {
        using var scope = NewDisposeScope();
        var (newCarry, outputs) = Model.Forward(carry, batch);
        var labels = newCarry.CurrentData.Labels;

        Dictionary<string, Tensor> metrics;
        Tensor mask, lossDivisor, seqIsCorrect;
        using (NoGrad())
        {
            mask = labels.Ne(IgnoreLabel);
            var lossCounts = mask.Sum(-1);
            lossDivisor = lossCounts.Clamp(1, null).Unsqueeze(-1);

            var isCorrect = mask.LogicalAnd(outputs.Logits.ArgMax(-1).Eq(labels));
            seqIsCorrect = isCorrect.Sum(-1).Eq(lossCounts);

            // Metrics over the examples that finished at this step.
            var valid = newCarry.Halted.LogicalAnd(lossCounts.Gt(0));
            var accuracy = (isCorrect.To(DType.Float32) / lossDivisor).Sum(-1);
            var haltSaysCorrect = outputs.QHaltLogits.Ge(0);
            metrics = new Dictionary<string, Tensor>
            {
                ["count"] = valid.Sum(),
                ["accuracy"] = Where(valid, accuracy, ZerosLike(accuracy)).Sum(),
                ["exact_accuracy"] = valid.LogicalAnd(seqIsCorrect).Sum(),
                ["q_halt_accuracy"] = valid.LogicalAnd(haltSaysCorrect.Eq(seqIsCorrect)).Sum(),
                ["steps"] = Where(valid, newCarry.Steps, ZerosLike(newCarry.Steps)).Sum(),
            };
        }

        var tokenLoss = Kind == LossKind.StablemaxCrossEntropy
            ? StablemaxLoss.StablemaxCrossEntropy(outputs.Logits, labels, IgnoreLabel)
            : StablemaxLoss.SoftmaxCrossEntropy(outputs.Logits, labels, IgnoreLabel);
        var lmLoss = (tokenLoss / lossDivisor).Sum();
        var qHaltLoss = F.BinaryCrossEntropyWithLogits(
            outputs.QHaltLogits, seqIsCorrect.To(outputs.QHaltLogits.DType), Reduction.Sum);
        metrics["lm_loss"] = lmLoss.Detach();
        metrics["q_halt_loss"] = qHaltLoss.Detach();

        var qLoss = qHaltLoss;
        if (outputs.TargetQContinue is not null)
        {
            var qContinueLoss = F.BinaryCrossEntropyWithLogits(outputs.QContinueLogits, outputs.TargetQContinue, Reduction.Sum);
            metrics["q_continue_loss"] = qContinueLoss.Detach();
            qLoss = qHaltLoss + qContinueLoss;
        }

        var loss = lmLoss + 0.5 * qLoss;
        bool allHalted = newCarry.Halted.All().Item<bool>();

        loss.MoveToOuterDisposeScope();
        foreach (var metric in metrics.Values)
        {
            metric.MoveToOuterDisposeScope();
        }

        outputs.Logits.MoveToOuterDisposeScope();
        outputs.QHaltLogits.MoveToOuterDisposeScope();
        outputs.QContinueLogits.MoveToOuterDisposeScope();
        outputs.TargetQContinue?.MoveToOuterDisposeScope();
        return new ActStepResult(newCarry, loss, metrics, outputs, allHalted);
    }
}
