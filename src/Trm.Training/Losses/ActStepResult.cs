using Trm.Model;
using Trm.Torch;

namespace Trm.Training.Losses;

/// <summary>What one ACT step of the loss head returns (the reference's <c>(carry, loss, metrics, outputs, all_finish)</c>).</summary>
public sealed class ActStepResult : IDisposable
{
    internal ActStepResult(TrmCarry carry, Tensor loss, IReadOnlyDictionary<string, Tensor> metrics, TrmOutputs outputs, bool allHalted)
    {
        Carry = carry;
        Loss = loss;
        Metrics = metrics;
        Outputs = outputs;
        AllHalted = allHalted;
    }

    /// <summary>The carry after this step; owned by the caller and not disposed with this result.</summary>
    public TrmCarry Carry { get; }

    /// <summary>
    /// Scalar total loss lm + 0.5·(q_halt [+ q_continue]), summed over the batch (float64 with stablemax). The
    /// reference back-propagates <c>Loss / globalBatchSize</c>.
    /// </summary>
    public Tensor Loss { get; }

    /// <summary>
    /// Sums over the examples that halted at this step (and have at least one label), as the reference's
    /// ACTLossHead: <c>count</c> (int64), <c>accuracy</c> (float32, per-example token accuracy summed),
    /// <c>exact_accuracy</c>, <c>q_halt_accuracy</c>, <c>steps</c> (int64); and the detached losses over the whole
    /// batch <c>lm_loss</c>, <c>q_halt_loss</c> and, when present, <c>q_continue_loss</c>. Divide the sums by
    /// <c>count</c> (losses by the batch size) for means.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> Metrics { get; }

    /// <summary>The model outputs of this step.</summary>
    public TrmOutputs Outputs { get; }

    /// <summary>Every example halted at this step (in evaluation: all steps are done).</summary>
    public bool AllHalted { get; }

    /// <summary>Frees the loss, metric and output tensors (not the carry).</summary>
    public void Dispose()
    {
        Loss.Dispose();
        foreach (var metric in Metrics.Values)
        {
            metric.Dispose();
        }

        Outputs.Dispose();
    }
}
