using Microsoft.Extensions.Options;
using Trm.Inference.Chat;

namespace Trm.Inference.DependencyInjection;

/// <summary>Checks that a checkpoint is named and the device parses (the checkpoint is read when the client is first resolved).</summary>
internal sealed class ChatClientOptionsValidator : IValidateOptions<ChatClientOptions>
{
    public ValidateOptionsResult Validate(string? name, ChatClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = ModelLocationChecks.Failures(options.Checkpoint, options.Device);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
