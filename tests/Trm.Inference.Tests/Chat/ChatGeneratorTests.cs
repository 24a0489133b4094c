using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Trm.Inference.Chat;
using Trm.Inference.Generation;
using Trm.Inference.Tests.Generation;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using ChatRole = Microsoft.Extensions.AI.ChatRole;
using TrmChatMessage = Trm.Tokenization.Chat.ChatMessage;

namespace Trm.Inference.Tests.Chat;

/// <summary>
/// A tiny chat TRM overfits one two-exchange conversation (plain AdamW loop), is saved through
/// <see cref="Trm.Model.Checkpoints.TrmCheckpoint"/>, and then generates the conversation verbatim — through the chat
/// generator, Microsoft.Extensions.AI's <see cref="IChatClient"/> and the DI registration.
/// </summary>
[TestFixture]
public sealed class ChatGeneratorTests
{
    private string _run = "";
    private string _checkpoint = "";

    [OneTimeSetUp]
    public void TrainOnce()
    {
        _run = Path.Combine(Path.GetTempPath(), $"trm-chat-{Guid.NewGuid():N}");
        _checkpoint = TinyChatModel.WriteCheckpoint(_run);
    }

    [OneTimeTearDown]
    public void CleanUp()
    {
        if (Directory.Exists(_run)) Directory.Delete(_run, recursive: true);
    }

    private ChatGenerator Load() => TextGenerator.CreateBuilder().FromCheckpoint(_checkpoint).BuildChat();

    [Test]
    public void ATinyModelOverfitsOneConversationAndGeneratesItVerbatim()
    {
        using var chat = Load();
        var first = chat.Complete([TrmChatMessage.User(TinyChatModel.User)], GenerationOptions.Greedy);
        Assert.That(first.Content, Is.EqualTo(TinyChatModel.Assistant));
        Assert.That(first.Reasoning, Is.Null);
        Assert.That(first.Generation.FinishReason, Is.EqualTo(GenerationFinishReason.StopToken));
        Assert.That(first.Generation.TokenIds[^1], Is.EqualTo(chat.Template.EndId));

        // The history is used: the second answer depends on the first exchange.
        var second = chat.Complete(TinyChatModel.Conversation.Take(3).ToList(), GenerationOptions.Greedy);
        Assert.That(second.Content, Is.EqualTo(TinyChatModel.SecondAssistant));
    }

    [Test]
    public async Task IChatClientAnswersAndStreamsWithMappedOptions()
    {
        using IChatClient client = Load();
        var greedy = new ChatOptions { Temperature = 0f, MaxOutputTokens = 40 };
        var response = await client.GetResponseAsync([new AiChatMessage(ChatRole.User, TinyChatModel.User)], greedy);
        Assert.That(response.Text, Is.EqualTo(TinyChatModel.Assistant));
        Assert.That(response.FinishReason, Is.EqualTo(ChatFinishReason.Stop));
        Assert.That(response.Usage!.OutputTokenCount, Is.EqualTo(TinyChatModel.Assistant.Length + 1));

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([new AiChatMessage(ChatRole.User, TinyChatModel.User)], greedy)) updates.Add(update);
        Assert.That(string.Concat(updates.Select(u => u.Text)), Is.EqualTo(TinyChatModel.Assistant));
        Assert.That(updates[^1].FinishReason, Is.EqualTo(ChatFinishReason.Stop));

        // MaxOutputTokens and StopSequences map to the generation options.
        var shortAnswer = await client.GetResponseAsync([new AiChatMessage(ChatRole.User, TinyChatModel.User)], new ChatOptions { Temperature = 0f, MaxOutputTokens = 3 });
        Assert.That(shortAnswer.Text, Is.EqualTo(TinyChatModel.Assistant[..3]));
        Assert.That(shortAnswer.FinishReason, Is.EqualTo(ChatFinishReason.Length));
        var stopped = await client.GetResponseAsync([new AiChatMessage(ChatRole.User, TinyChatModel.User)], new ChatOptions { Temperature = 0f, StopSequences = [","] });
        Assert.That(stopped.Text, Is.EqualTo("hello"));

        // Seeded sampling is reproducible through ChatOptions.Seed.
        var sampled = new ChatOptions { Temperature = 1.5f, TopK = 5, TopP = 0.95f, Seed = 77, MaxOutputTokens = 20 };
        var a = await client.GetResponseAsync([new AiChatMessage(ChatRole.User, "hello")], sampled);
        var b = await client.GetResponseAsync([new AiChatMessage(ChatRole.User, "hello")], sampled);
        Assert.That(b.Text, Is.EqualTo(a.Text));
        Assert.That(client.GetService<ChatClientMetadata>()!.ProviderName, Is.EqualTo("trm"));
    }

    [Test]
    public async Task AddTrmChatClientRegistersTheClientFromConfiguration()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Trm:Chat:checkpoint"] = _run, ["Trm:Chat:device"] = "cpu" })
            .Build();
        await using var provider = new ServiceCollection().AddTrmChatClient(configuration.GetSection("Trm:Chat")).BuildServiceProvider();
        var client = provider.GetRequiredService<IChatClient>();
        Assert.That(client, Is.SameAs(provider.GetRequiredService<ChatGenerator>()));
        var response = await client.GetResponseAsync([new AiChatMessage(ChatRole.User, TinyChatModel.User)], new ChatOptions { Temperature = 0f });
        Assert.That(response.Text, Is.EqualTo(TinyChatModel.Assistant));

        await using var bad = new ServiceCollection().AddTrmChatClient(o => o.Device = "tpu").BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => _ = bad.GetRequiredService<IOptions<ChatClientOptions>>().Value);
        Assert.That(error!.Message, Does.Contain("checkpoint").And.Contain("device"));
    }
}
