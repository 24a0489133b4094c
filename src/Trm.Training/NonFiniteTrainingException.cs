namespace Trm.Training;

/// <summary>
/// Training produced NaN or infinite values it cannot step over: <c>max_nonfinite_steps</c> consecutive steps had a
/// non-finite gradient, an evaluation's loss was not finite, or a checkpoint would have held non-finite weights (it is
/// not written). The message names the step and what was not finite.
/// </summary>
public sealed class NonFiniteTrainingException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="step">The optimizer step at which it happened.</param>
    /// <param name="message">What was not finite.</param>
    public NonFiniteTrainingException(long step, string message)
        : base($"step {step}: {message}")
    {
        Step = step;
    }

    /// <summary>The optimizer step at which it happened.</summary>
    public long Step { get; }
}
