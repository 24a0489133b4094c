using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Trm.Torch;
using Trm.Training.Configuration;

namespace Trm.Training.Tests.Training;

/// <summary><c>AddTrmTraining</c>'s <see cref="ITrainerFactory"/>: trainers from the bound options, logging to <c>ILogger&lt;Trainer&gt;</c>.</summary>
public sealed class TrainerFactoryTests
{
    private string _root = "";

    [SetUp]
    public void SetUp()
    {
        _root = Directory.CreateTempSubdirectory("trm-factory-").FullName;
        Engine.SetNumThreads(2);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    [Test]
    public void TheFactoryTrainsWithTheBoundOptionsAndLogsToILoggerOfTrainer()
    {
        var data = TinySudoku.Build(Path.Combine(_root, "data"), train: 8, test: 4, clues: 60);
        var written = TinySudoku.Config(data, Path.Combine(_root, "ckpt"), epochs: 1) with { MaxSteps = 2 };
        var logs = new CapturingLoggerFactory();
        // Every key as ConfigLoader.ToJson writes it (the reference's names, nulls, the fixed keys), read back through IConfiguration.
        using var services = Services(ConfigLoader.ToJson(written), logs);

        var bound = services.GetRequiredService<IOptions<TrainConfig>>().Value;
        using var trainer = services.GetRequiredService<ITrainerFactory>().Create(b => b.WithMetricsFile(null));
        var result = trainer.Run();

        Assert.That(ConfigLoader.ToJson(bound), Is.EqualTo(ConfigLoader.ToJson(written)));
        Assert.That(ConfigLoader.ToJson(trainer.Config), Is.EqualTo(ConfigLoader.ToJson(written)));
        Assert.That(result.Steps, Is.EqualTo(2));
        Assert.That(logs.Lines, Has.Some.EqualTo(("Trm.Training.Trainer", "Training test: 2 steps (1 epochs, batch 4) on cpu")));
    }

    [Test]
    public void AnEvalIntervalLeftAtItsDefaultIsClearedWithALoggedNote()
    {
        var logs = new CapturingLoggerFactory();
        using var services = Services("""{ "data_paths": [ "d" ], "epochs": 7 }""", logs);

        var bound = services.GetRequiredService<IOptions<TrainConfig>>().Value;

        Assert.That(bound.EvalInterval, Is.Null);
        Assert.That(logs.Lines, Has.Some.EqualTo(("Trm.Training.Configuration.TrainConfig",
            "Trm:Training: eval_interval is left at its default (10000), which does not divide epochs (7): evaluating once at the end (set eval_interval to a divisor of epochs to evaluate more often)")));
    }

    private static ServiceProvider Services(string trainingJson, ILoggerFactory logs)
    {
        var json = $$"""{ "Trm": { "Training": {{trainingJson}} } }""";
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        return new ServiceCollection()
            .AddSingleton(logs)
            .AddTrmTraining(configuration.GetSection("Trm:Training"))
            .BuildServiceProvider();
    }

    /// <summary>Keeps every formatted log line with its category.</summary>
    private sealed class CapturingLoggerFactory : ILoggerFactory
    {
        public ConcurrentQueue<(string Category, string Message)> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerFactory owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Lines.Enqueue((category, formatter(state, exception)));
        }
    }
}
