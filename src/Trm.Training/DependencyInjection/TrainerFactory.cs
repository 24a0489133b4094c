using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Trm.Training.Configuration;

namespace Trm.Training.DependencyInjection;

/// <summary>The <see cref="ITrainerFactory"/> registered by <c>AddTrmTraining</c>: the builder over the current options, logging to <c>ILogger&lt;Trainer&gt;</c>.</summary>
internal sealed class TrainerFactory(IOptionsMonitor<TrainConfig> options, ILoggerFactory? loggerFactory = null) : ITrainerFactory
{
    public Trainer Create(Action<TrainerBuilder>? configure = null)
    {
        var builder = Trainer.CreateBuilder().WithConfig(options.CurrentValue);
        if (loggerFactory is not null) builder.WithLogger(loggerFactory.CreateLogger<Trainer>());
        configure?.Invoke(builder);
        return builder.Build();
    }
}
