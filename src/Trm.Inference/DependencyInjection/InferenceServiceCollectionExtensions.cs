using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Trm.Inference.Chat;
using Trm.Inference.DependencyInjection;
using Trm.Inference.Generation;
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
        services.AddSingleton<IConfigureOptions<PuzzleSolverOptions>>(new OptionsSectionBinder<PuzzleSolverOptions>(configuration,
            ("checkpoint", (o, v) => Set(() => o.Checkpoint = v.Length == 0 ? null : v)),
            ("device", (o, v) => Set(() => o.Device = v)),
            ("stop_at_halt", (o, v) => bool.TryParse(v, out var stop) ? Set(() => o.StopAtHalt = stop) : $"expected true or false, got '{v}'"),
            ("halt_threshold", (o, v) => double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var threshold)
                ? Set(() => o.HaltThreshold = threshold)
                : $"expected a probability in [0.5, 1), got '{v}'")));
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
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PuzzleSolverOptions>>(new ModelLocationValidator<PuzzleSolverOptions>(o => o.Checkpoint, o => o.Device)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PuzzleSolverOptions>, PuzzleSolverOptionsValidator>());
        services.TryAddSingleton(sp => PuzzleSolverLoader.Load(sp.GetRequiredService<IOptions<PuzzleSolverOptions>>().Value));
        return services;
    }

    /// <summary>
    /// Registers a <see cref="ChatGenerator"/> singleton — also as Microsoft.Extensions.AI's <see cref="IChatClient"/> —
    /// loaded from <see cref="ChatClientOptions.Checkpoint"/> when first resolved, with options read from
    /// <paramref name="configuration"/> (keys <c>checkpoint</c>, <c>device</c>, <c>tokenizer</c>; unknown keys fail). The
    /// options are checked at start-up; the client is disposed with the container and serializes its calls.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding the client's keys, e.g. <c>configuration.GetSection("Trm:Chat")</c>.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddTrmChatClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<IConfigureOptions<ChatClientOptions>>(new OptionsSectionBinder<ChatClientOptions>(configuration,
            ("checkpoint", (o, v) => Set(() => o.Checkpoint = v.Length == 0 ? null : v)),
            ("device", (o, v) => Set(() => o.Device = v)),
            ("tokenizer", (o, v) => Set(() => o.Tokenizer = v.Length == 0 ? null : v))));
        return services.AddTrmChatClient(_ => { });
    }

    /// <summary>Registers the chat client whose options <paramref name="configure"/> sets (see the other overload).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options, e.g. <c>o =&gt; o.Checkpoint = "checkpoints/chat"</c>.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddTrmChatClient(this IServiceCollection services, Action<ChatClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<ChatClientOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ChatClientOptions>>(new ModelLocationValidator<ChatClientOptions>(o => o.Checkpoint, o => o.Device)));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ChatClientOptions>>().Value;
            var builder = TextGenerator.CreateBuilder().FromCheckpoint(options.Checkpoint!).OnDevice(Trm.Torch.Device.Parse(options.Device));
            if (options.Tokenizer is not null) builder.WithTokenizer(options.Tokenizer);
            return builder.BuildChat();
        });
        services.TryAddSingleton<IChatClient>(sp => sp.GetRequiredService<ChatGenerator>());
        return services;
    }

    /// <summary>Runs a setter of <see cref="OptionsSectionBinder{TOptions}"/> that cannot fail.</summary>
    private static string? Set(Action assign)
    {
        assign();
        return null;
    }
}
