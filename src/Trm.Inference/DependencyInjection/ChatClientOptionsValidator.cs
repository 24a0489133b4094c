using Microsoft.Extensions.Options;
using Trm.Inference.Chat;
using Trm.Torch;

namespace Trm.Inference.DependencyInjection;

/// <summary>Checks that a checkpoint is named and the device parses (the checkpoint is read when the client is first resolved).</summary>
internal sealed class ChatClientOptionsValidator : IValidateOptions<ChatClientOptions>
{
    public ValidateOptionsResult Validate(string? name, ChatClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Checkpoint)) failures.Add("Config key 'checkpoint': a checkpoint folder, run folder or .safetensors file is required");
        try
        {
            Device.Parse(options.Device ?? "");
        }
        catch (FormatException e)
        {
            failures.Add($"Config key 'device': {e.Message}");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
