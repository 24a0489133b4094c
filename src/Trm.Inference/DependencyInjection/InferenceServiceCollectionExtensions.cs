using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Trm.Inference.DependencyInjection;
using Trm.Inference.Puzzles;

// The .NET convention for registration extensions: found wherever IServiceCollection is, without another using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Trm.Inference's services in a dependency-injection container.</summary>
public static class InferenceServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="PuzzleSolver"/> singleton loaded from <see cref="PuzzleSolverOptions.Checkpoint"/> when it is
    /// first resolved (so a checkpoint written by training in the same process can be named), with options read from
    /// <paramref name="configuration"/> (keys <c>checkpoint</c>, <c>device</c>, <c>stop_at_halt</c>; unknown keys fail).
    /// The options are checked at start-up; the solver is disposed with the container. A solver is not thread-safe:
    /// serialize calls when it is shared (for example by concurrent requests).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding the solver's keys, e.g. <c>configuration.GetSection("Trm:Solver")</c>.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddTrmPuzzleSolver(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<IConfigureOptions<PuzzleSolverOptions>>(new PuzzleSolverConfiguration(configuration));
        return services.AddTrmPuzzleSolver(_ => { });
    }

    /// <summary>Registers a <see cref="PuzzleSolver"/> singleton whose options <paramref name="configure"/> sets (see the other overload).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options, e.g. <c>o =&gt; o.Checkpoint = "checkpoints/run/step_3000"</c>.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddTrmPuzzleSolver(this IServiceCollection services, Action<PuzzleSolverOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<PuzzleSolverOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PuzzleSolverOptions>, PuzzleSolverOptionsValidator>());
        services.TryAddSingleton(sp => PuzzleSolverLoader.Load(sp.GetRequiredService<IOptions<PuzzleSolverOptions>>().Value));
        return services;
    }
}
