namespace Trm.Training.Evaluation;

/// <summary>
/// Metrics of one pass over a test split, averaged over the evaluated examples as the reference does
/// (every example runs the full <c>halt_max_steps</c> ACT steps; token and exact accuracy are read at the last step).
/// </summary>
/// <param name="Step">Training step the model had reached.</param>
/// <param name="Examples">Examples evaluated (rows with at least one labelled token).</param>
/// <param name="Values">All metrics by name: <c>accuracy</c>, <c>exact_accuracy</c>, <c>q_halt_accuracy</c>, <c>steps</c>,
/// <c>lm_loss</c>, <c>q_halt_loss</c>, <c>halt_step</c> (mean first step whose halting logit is positive, as a solver would stop),
/// <c>halt_exact_accuracy</c> (exact accuracy of the answer at that step), <c>early_stop_step</c> and
/// <c>early_stop_exact_accuracy</c> (the same for a solver that stops at the first step whose halting probability exceeds
/// 0.9, <c>trm solve --act-early-stop</c>'s default).</param>
public sealed record EvaluationResult(long Step, long Examples, IReadOnlyDictionary<string, double> Values)
{
    /// <summary>Fraction of labelled tokens predicted right.</summary>
    public double Accuracy => Get("accuracy");

    /// <summary>Fraction of examples whose every labelled token is right.</summary>
    public double ExactAccuracy => Get("exact_accuracy");

    /// <summary>Fraction of examples whose halting logit's sign matches their exact correctness.</summary>
    public double QHaltAccuracy => Get("q_halt_accuracy");

    /// <summary>Mean ACT steps run (the maximum, in evaluation).</summary>
    public double MeanSteps => Get("steps");

    /// <summary>Mean first step at which the model asks to halt (or the maximum).</summary>
    public double MeanHaltStep => Get("halt_step");

    /// <summary>Mean token loss per example.</summary>
    public double LmLoss => Get("lm_loss");

    private double Get(string name) => Values.TryGetValue(name, out var v) ? v : double.NaN;
}
