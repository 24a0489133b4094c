using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Trm.Inference.Chat;
using Trm.Inference.Puzzles;

namespace Trm.Inference.Tests.DependencyInjection;

/// <summary>The one section binder and start-up validator behind <c>AddTrmPuzzleSolver</c> and <c>AddTrmChatClient</c>.</summary>
public sealed class OptionsSectionBinderTests
{
    private static IConfigurationSection Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(kv => "Trm:X:" + kv.Key, kv => kv.Value)).Build().GetSection("Trm:X");

    [Test]
    public void KeysMatchIgnoringCaseAndUnderscores()
    {
        using var solver = new ServiceCollection().AddTrmPuzzleSolver(Section(new() { ["CHECKPOINT"] = "ckpt/run", ["Device"] = "cuda:1", ["StopAtHalt"] = "false" })).BuildServiceProvider();
        var options = solver.GetRequiredService<IOptions<PuzzleSolverOptions>>().Value;
        Assert.That((options.Checkpoint, options.Device, options.StopAtHalt), Is.EqualTo(("ckpt/run", "cuda:1", false)));

        using var chat = new ServiceCollection().AddTrmChatClient(Section(new() { ["checkpoint"] = "ckpt/chat", ["tokenizer"] = "gpt2" })).BuildServiceProvider();
        var chatOptions = chat.GetRequiredService<IOptions<ChatClientOptions>>().Value;
        Assert.That((chatOptions.Checkpoint, chatOptions.Device, chatOptions.Tokenizer), Is.EqualTo(("ckpt/chat", "cpu", "gpt2")));
    }

    [Test]
    public void UnknownKeysAndBadValuesAreAllNamedAtOnce()
    {
        using var solver = new ServiceCollection().AddTrmPuzzleSolver(Section(new() { ["checkpoint"] = "c", ["stop_at_halt"] = "maybe", ["colour"] = "red" })).BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => _ = solver.GetRequiredService<IOptions<PuzzleSolverOptions>>().Value)!;
        Assert.That(error.Failures, Is.EquivalentTo(new[]
        {
            "Config key 'stop_at_halt' (configuration 'Trm:X:stop_at_halt'): expected true or false, got 'maybe'",
            "Config key 'colour' (configuration 'Trm:X:colour'): unknown key; known keys: checkpoint, device, stop_at_halt",
        }));

        using var chat = new ServiceCollection().AddTrmChatClient(Section(new() { ["stop_at_halt"] = "true" })).BuildServiceProvider();
        var chatError = Assert.Throws<OptionsValidationException>(() => _ = chat.GetRequiredService<IOptions<ChatClientOptions>>().Value)!;
        Assert.That(chatError.Failures, Is.EqualTo(new[] { "Config key 'stop_at_halt' (configuration 'Trm:X:stop_at_halt'): unknown key; known keys: checkpoint, device, tokenizer" }));
    }

    [Test]
    public void AMissingCheckpointAndABadDeviceFailAtStartUp()
    {
        using var solver = new ServiceCollection().AddTrmPuzzleSolver(o => o.Device = "tpu").BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => _ = solver.GetRequiredService<IOptions<PuzzleSolverOptions>>().Value)!;
        Assert.That(error.Failures, Is.EqualTo(new[]
        {
            "Config key 'checkpoint': a checkpoint folder, run folder or .safetensors file is required",
            "Config key 'device': 'tpu' is not a device (expected cpu, cuda or cuda:N).",
        }));
    }
}
