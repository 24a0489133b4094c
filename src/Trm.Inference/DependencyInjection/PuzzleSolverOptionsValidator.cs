using Microsoft.Extensions.Options;
using Trm.Inference.Puzzles;

namespace Trm.Inference.DependencyInjection;

/// <summary>Checks that a checkpoint is named, the device parses and the halting threshold is a probability in [0.5, 1) (the checkpoint itself is read when the solver is first resolved).</summary>
internal sealed class PuzzleSolverOptionsValidator : IValidateOptions<PuzzleSolverOptions>
{
    public ValidateOptionsResult Validate(string? name, PuzzleSolverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = ModelLocationChecks.Failures(options.Checkpoint, options.Device);
        if (!(options.HaltThreshold >= 0.5 && options.HaltThreshold < 1))
        {
            failures.Add($"HaltThreshold (halt_threshold) must be a probability in [0.5, 1), got {options.HaltThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
