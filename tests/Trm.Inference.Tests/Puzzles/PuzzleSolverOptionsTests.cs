using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Trm.Inference.DependencyInjection;
using Trm.Inference.Puzzles;

namespace Trm.Inference.Tests.Puzzles;

public sealed class PuzzleSolverOptionsTests
{
    private static PuzzleSolverOptions Read(Dictionary<string, string?> keys)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(keys).Build();
        using var provider = new ServiceCollection().AddTrmPuzzleSolver(configuration.GetSection("Solver")).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<PuzzleSolverOptions>>().Value;
    }

    [Test]
    public void DefaultsRunEveryStepWithANinetyPercentEarlyStopThreshold()
    {
        var options = Read(new() { ["Solver:checkpoint"] = "ckpt/step_1" });
        Assert.That(options.StopAtHalt, Is.False);
        Assert.That(options.HaltThreshold, Is.EqualTo(PuzzleSolver.DefaultHaltThreshold).And.EqualTo(0.9));
    }

    [Test]
    public void ReadsEarlyStopAndThresholdKeys()
    {
        var options = Read(new() { ["Solver:checkpoint"] = "ckpt/step_1", ["Solver:stop_at_halt"] = "true", ["Solver:halt_threshold"] = "0.95" });
        Assert.That(options.StopAtHalt, Is.True);
        Assert.That(options.HaltThreshold, Is.EqualTo(0.95));
    }

    [TestCase("1.5", "must be a probability in [0.5, 1), got 1.5")]
    [TestCase("high", "expected a probability in [0.5, 1), got 'high'")]
    public void RejectsABadThresholdNamingTheKey(string value, string message)
    {
        var e = Assert.Throws<OptionsValidationException>(() => Read(new() { ["Solver:checkpoint"] = "ckpt/step_1", ["Solver:halt_threshold"] = value }))!;
        Assert.That(e.Message, Does.Contain("halt_threshold").And.Contain(message));
    }
}
