using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Trm.Data.Puzzles.Sudoku;
using Trm.Training.Configuration;

namespace HostedTraining.Tests;

/// <summary>The Generic Host sample's composition (its appsettings.json and <c>AddSudokuTraining</c>), run end to end on tiny settings.</summary>
public sealed class HostedTrainingTests
{
    private string _root = null!;

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("trm-hosted-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    [Test]
    public async Task TheSampleTrainsEvaluatesAndSolvesOnTheGenericHost()
    {
        var data = Path.Combine(_root, "data");
        var run = Path.Combine(_root, "checkpoints", "hosted");
        using var host = Build(
            ("Sudoku:TrainPuzzles", "64"), ("Sudoku:TestPuzzles", "8"),
            ("Trm:Training:data_paths:0", data), ("Trm:Training:checkpoint_path", run), ("Trm:Training:run_name", "hosted"),
            ("Trm:Training:global_batch_size", "8"), ("Trm:Training:epochs", "1"), ("Trm:Training:max_steps", "3"),
            ("Trm:Training:lr_warmup_steps", "1"), ("Trm:Training:arch:hidden_size", "32"), ("Trm:Training:arch:num_heads", "2"),
            ("Trm:Training:arch:halt_max_steps", "2"), ("Trm:Solver:checkpoint", run));
        await host.StartAsync();

        // The sample's snake_case appsettings.json is what was bound (values not overridden above).
        var config = host.Services.GetRequiredService<IOptions<TrainConfig>>().Value;
        Assert.That(config.Lr, Is.EqualTo(1e-3));
        Assert.That(config.LrMinRatio, Is.EqualTo(0.1));
        Assert.That(config.Arch.MlpT, Is.True);
        Assert.That(config.Arch.LCycles, Is.EqualTo(2));
        Assert.That(config.Arch.HiddenSize, Is.EqualTo(32));
        Assert.That(config.EvalInterval, Is.Null);

        var report = await host.Services.GetRequiredService<SudokuTrainingJob>().RunAsync();
        await host.StopAsync();

        Assert.That(report.Steps, Is.EqualTo(3), "trains until max_steps");
        Assert.That(report.Checkpoint, Is.EqualTo(Path.Combine(run, "step_3")));
        Assert.That(File.Exists(Path.Combine(run, "step_3", "model.safetensors")), Is.True);
        Assert.That(report.ExactBefore, Is.InRange(0.0, 1.0));
        Assert.That(report.ExactAfter, Is.InRange(0.0, 1.0));
        // The registered solver loaded the run's latest checkpoint and answered the held-out puzzle with a full grid.
        Assert.That(report.Puzzle.Count(c => c != 0), Is.EqualTo(50), "the sample's 50 clues");
        Assert.That(report.Answer, Has.Length.EqualTo(81));
        Assert.That(report.ActSteps, Is.InRange(1, 2));
        Assert.That(report.Valid, Is.EqualTo(SudokuSolver.IsSolutionOf(report.Puzzle, report.Answer)));
    }

    [Test]
    public void AMisspelledKeyStopsTheHostAtStartNamingIt()
    {
        using var host = Build(("Trm:Training:arch:L_cycle", "6"));

        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync())!;

        Assert.That(error.Message, Does.Contain("Config key 'arch.L_cycle' (configuration 'Trm:Training:arch:L_cycle'): unknown key; did you mean 'arch.L_cycles'?"));
    }

    [Test]
    public void AFailedRuleStopsTheHostAtStartNamingTheKeyAsWritten()
    {
        using var host = Build(("Trm:Training:EmaRate", "2"));

        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync())!;

        Assert.That(error.Message, Does.Contain("Config key 'EmaRate' (configuration 'Trm:Training:EmaRate'): must be in (0, 1), got 2"));
    }

    [Test]
    public void DatasetBuildersAreNewForEachResolution()
    {
        using var host = Build();

        var first = host.Services.GetRequiredService<SudokuDatasetBuilder>();
        var second = host.Services.GetRequiredService<SudokuDatasetBuilder>();

        Assert.That(second, Is.Not.SameAs(first));
    }

    /// <summary>The sample's host (its appsettings.json from the output folder) with <paramref name="overrides"/> on top.</summary>
    private static IHost Build(params (string Key, string? Value)[] overrides)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(overrides.Select(o => KeyValuePair.Create(o.Key, o.Value)));
        builder.Services.AddSudokuTraining(builder.Configuration);
        return builder.Build();
    }
}
