using System.Globalization;
using Microsoft.Extensions.Options;
using Trm.Inference.Puzzles;

namespace Trm.Inference.DependencyInjection;

/// <summary>Checks the solver-specific options: the halting threshold is a probability in [0.5, 1) (the model location is checked by <see cref="ModelLocationValidator{TOptions}"/>).</summary>
internal sealed class PuzzleSolverOptionsValidator : IValidateOptions<PuzzleSolverOptions>
{
    public ValidateOptionsResult Validate(string? name, PuzzleSolverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.HaltThreshold is >= 0.5 and < 1
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"HaltThreshold (halt_threshold) must be a probability in [0.5, 1), got {options.HaltThreshold.ToString(CultureInfo.InvariantCulture)}");
    }
}
