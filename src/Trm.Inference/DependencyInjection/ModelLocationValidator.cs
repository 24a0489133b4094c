using Microsoft.Extensions.Options;
using Trm.Torch;

namespace Trm.Inference.DependencyInjection;

/// <summary>
/// The start-up check shared by the options of every registered model service: a checkpoint is named and the device parses
/// (the checkpoint itself is read when the service is first resolved).
/// </summary>
/// <typeparam name="TOptions">The options type.</typeparam>
/// <param name="checkpoint">Reads the checkpoint setting.</param>
/// <param name="device">Reads the device setting.</param>
internal sealed class ModelLocationValidator<TOptions>(Func<TOptions, string?> checkpoint, Func<TOptions, string?> device) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(checkpoint(options))) failures.Add("Config key 'checkpoint': a checkpoint folder, run folder or .safetensors file is required");
        try
        {
            Device.Parse(device(options) ?? "");
        }
        catch (FormatException e)
        {
            failures.Add($"Config key 'device': {e.Message}");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
