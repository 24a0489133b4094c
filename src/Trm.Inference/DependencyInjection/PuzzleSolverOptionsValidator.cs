using Microsoft.Extensions.Options;
using Trm.Inference.Puzzles;

namespace Trm.Inference.DependencyInjection;

/// <summary>Checks that a checkpoint is named and the device parses (the checkpoint itself is read when the solver is first resolved).</summary>
internal sealed class PuzzleSolverOptionsValidator : IValidateOptions<PuzzleSolverOptions>
{
    public ValidateOptionsResult Validate(string? name, PuzzleSolverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = ModelLocationChecks.Failures(options.Checkpoint, options.Device);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
