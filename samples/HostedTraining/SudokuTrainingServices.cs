using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HostedTraining;

/// <summary>The sample's composition: the Trm services it uses, bound to its configuration.</summary>
public static class SudokuTrainingServices
{
    /// <summary>
    /// Registers the dataset builders, the training options (section <c>Trm:Training</c>, validated at start-up) with the
    /// trainer factory, the puzzle solver (section <c>Trm:Solver</c>), the sample's data options and its job.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The host's configuration.</param>
    public static IServiceCollection AddSudokuTraining(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddTrmDatasetBuilders();
        services.AddTrmTraining(configuration.GetSection("Trm:Training"));
        services.AddTrmPuzzleSolver(configuration.GetSection("Trm:Solver"));
        services.AddOptions<SudokuDataOptions>().Bind(configuration.GetSection("Sudoku"));
        services.AddTransient<SudokuTrainingJob>();
        return services;
    }
}
