using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Trm.Data.Chat;
using Trm.Data.Puzzles.Arc;
using Trm.Data.Puzzles.Hanoi;
using Trm.Data.Puzzles.Maze;
using Trm.Data.Puzzles.Sudoku;

// The .NET convention for registration extensions: found wherever IServiceCollection is, without another using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Trm.Data's services in a dependency-injection container.</summary>
public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// Registers the dataset builders — <see cref="SudokuDatasetBuilder"/>, <see cref="MazeDatasetBuilder"/>,
    /// <see cref="HanoiDatasetBuilder"/>, <see cref="ArcDatasetBuilder"/> and <see cref="ChatDatasetBuilder"/> — as transient
    /// services (a builder holds one build's settings, so each resolution is a new one), each logging through an
    /// <c>ILogger&lt;TBuilder&gt;</c> from the container's <see cref="ILoggerFactory"/> when one is registered.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddTrmDatasetBuilders(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddTransient(sp => new SudokuDatasetBuilder().WithLogger(LoggerFor<SudokuDatasetBuilder>(sp)));
        services.TryAddTransient(sp => new MazeDatasetBuilder().WithLogger(LoggerFor<MazeDatasetBuilder>(sp)));
        services.TryAddTransient(sp => new HanoiDatasetBuilder().WithLogger(LoggerFor<HanoiDatasetBuilder>(sp)));
        services.TryAddTransient(sp => new ArcDatasetBuilder().WithLogger(LoggerFor<ArcDatasetBuilder>(sp)));
        services.TryAddTransient(sp => new ChatDatasetBuilder().WithLogger(LoggerFor<ChatDatasetBuilder>(sp)));
        return services;
    }

    private static ILogger<T> LoggerFor<T>(IServiceProvider services) =>
        (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<T>();
}
