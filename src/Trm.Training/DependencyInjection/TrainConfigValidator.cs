using Microsoft.Extensions.Options;
using Trm.Model.Configuration;
using Trm.Training.Configuration;

namespace Trm.Training.DependencyInjection;

/// <summary>
/// Runs <see cref="TrainConfig.Validate"/> on the options and reports a failure under the key and configuration path the
/// user wrote (<c>Config key 'LrMinRatio' (configuration 'Trm:Training:LrMinRatio'): must be in [0, 1], got 2</c>), so
/// that <c>ValidateOnStart</c> stops the host with that message.
/// </summary>
internal sealed class TrainConfigValidator(TrainConfigSource? source = null) : IValidateOptions<TrainConfig>
{
    public ValidateOptionsResult Validate(string? name, TrainConfig options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (TrmConfigException e)
        {
            if (source is null || (name ?? Options.DefaultName) != Options.DefaultName) return ValidateOptionsResult.Fail(e.Message);
            return ValidateOptionsResult.Fail(TrainConfigBinder.Read(source.Configuration).Describe(e));
        }
    }
}
