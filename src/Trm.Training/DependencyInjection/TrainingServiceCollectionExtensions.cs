using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Trm.Training;
using Trm.Training.Configuration;
using Trm.Training.DependencyInjection;

// The .NET convention for registration extensions: found wherever IServiceCollection is, without another using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Trm.Training's services in a dependency-injection container.</summary>
public static class TrainingServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>IOptions&lt;TrainConfig&gt;</c> from <paramref name="configuration"/> (e.g.
    /// <c>builder.Configuration.GetSection("Trm:Training")</c>) with the reference's snake_case keys or the .NET property
    /// names (<see cref="TrainConfigBinder"/>), validates it at start-up (<c>ValidateOnStart</c>: a misspelled key, a bad
    /// value or a failed rule stops the host with a message naming the key as written and its configuration path), and
    /// registers an <see cref="ITrainerFactory"/> that builds trainers from the options, logging through
    /// <c>ILogger&lt;Trainer&gt;</c> when an <c>ILoggerFactory</c> is registered. Call once; a second call rebinds.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding the training keys.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddTrmTraining(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TrainConfig>().ValidateOnStart();
        services.Replace(ServiceDescriptor.Singleton(new TrainConfigSource(configuration)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOptionsChangeTokenSource<TrainConfig>, TrainConfigSource>(sp => sp.GetRequiredService<TrainConfigSource>()));
        services.TryAddTransient<IOptionsFactory<TrainConfig>, TrainConfigOptionsFactory>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TrainConfig>, TrainConfigValidator>());
        services.TryAddSingleton<ITrainerFactory, TrainerFactory>();
        return services;
    }
}
