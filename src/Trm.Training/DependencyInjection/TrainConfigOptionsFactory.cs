using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Trm.Training.Configuration;

namespace Trm.Training.DependencyInjection;

/// <summary>
/// Creates the <see cref="TrainConfig"/> options (an immutable record) from the bound section with
/// <see cref="TrainConfigBinder"/> instead of the reflection binder, which would ignore the snake_case keys. Unknown keys
/// and bad values fail as an <see cref="OptionsValidationException"/> listing every problem; the dependent defaults are
/// resolved (<see cref="TrainConfig.ResolveDefaults"/>) with a logged note. Configure, post-configure and validation steps
/// run as for any options.
/// </summary>
internal sealed class TrainConfigOptionsFactory(
    IEnumerable<IConfigureOptions<TrainConfig>> setups,
    IEnumerable<IPostConfigureOptions<TrainConfig>> postConfigures,
    IEnumerable<IValidateOptions<TrainConfig>> validations,
    TrainConfigSource? source = null,
    ILoggerFactory? loggerFactory = null)
    : OptionsFactory<TrainConfig>(setups, postConfigures, validations)
{
    protected override TrainConfig CreateInstance(string name)
    {
        if (source is null || name != Options.DefaultName) return new TrainConfig();
        var binding = TrainConfigBinder.Read(source.Configuration);
        if (binding.Errors.Count > 0)
        {
            throw new OptionsValidationException(name, typeof(TrainConfig), binding.Errors.Select(e => e.Message));
        }
        var config = binding.Config.ResolveDefaults(out var note);
        if (note is not null)
        {
            loggerFactory?.CreateLogger(typeof(TrainConfig).FullName!).LogInformation("{Section}: {Note}", binding.SectionPath, note);
        }
        return config;
    }
}
