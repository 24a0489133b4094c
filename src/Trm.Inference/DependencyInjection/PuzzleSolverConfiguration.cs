using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Trm.Inference.Puzzles;

namespace Trm.Inference.DependencyInjection;

/// <summary>
/// Reads <see cref="PuzzleSolverOptions"/> from a configuration section, accepting the snake_case names
/// (<c>stop_at_halt</c>, <c>halt_threshold</c>) and the property names (<c>StopAtHalt</c>, <c>HaltThreshold</c>) alike; an unknown key or a bad value fails, naming it.
/// </summary>
internal sealed class PuzzleSolverConfiguration(IConfiguration section) : IConfigureOptions<PuzzleSolverOptions>
{
    public void Configure(PuzzleSolverOptions options)
    {
        var errors = new List<string>();
        foreach (var child in section.GetChildren())
        {
            var value = child.Value ?? "";
            switch (child.Key.Replace("_", "", StringComparison.Ordinal).ToUpperInvariant())
            {
                case "CHECKPOINT":
                    options.Checkpoint = value.Length == 0 ? null : value;
                    break;
                case "DEVICE":
                    options.Device = value;
                    break;
                case "STOPATHALT" when bool.TryParse(value, out var stop):
                    options.StopAtHalt = stop;
                    break;
                case "STOPATHALT":
                    errors.Add($"Config key '{child.Key}' (configuration '{child.Path}'): expected true or false, got '{value}'");
                    break;
                case "HALTTHRESHOLD" when double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var threshold):
                    options.HaltThreshold = threshold;
                    break;
                case "HALTTHRESHOLD":
                    errors.Add($"Config key '{child.Key}' (configuration '{child.Path}'): expected a probability in [0.5, 1), got '{value}'");
                    break;
                default:
                    errors.Add($"Config key '{child.Key}' (configuration '{child.Path}'): unknown key; known keys: checkpoint, device, stop_at_halt, halt_threshold");
                    break;
            }
        }
        if (errors.Count > 0) throw new OptionsValidationException(Options.DefaultName, typeof(PuzzleSolverOptions), errors);
    }
}
