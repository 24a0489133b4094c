using Trm.Data.Chat;
using Trm.Data.Readers;
using Trm.Data.Sft;
using Trm.Data.Sft.Tasks;
using Trm.Data.Tests.Support;
using Trm.Tokenization.Chat;

namespace Trm.Data.Tests.Sft;

public class SftBuildTests
{
    [Test]
    public async Task BuildAsync_WritesTheChatDatasetMixtureAndManifest()
    {
        using var dir = new ScratchDirectory();
        var output = Path.Combine(dir.Path, "sft");
        var task = new AdditionTask();
        var builder = SftRecipes.Create(SftRecipe.R1OtMixed, new SftRecipeInputs
        {
            Reasoning = [SftSource.FromConversations("addition", task.Conversations(5, 21, 1.0))],
            Chat = [SftSource.FromFile(ChatTestData.Path("alpaca-seed", "seed_tasks.jsonl"))],
        }).WithTrainSplit(0.9).WithMaxLength(512);
        var result = await builder.BuildAsync(output);

        // 21 reasoning + floor(21 × 0.3 / 0.7) = 9 chat = 30; train round(30 × 0.9) = 27, val 3
        Assert.That((result.Manifest.Examples, result.Manifest.ChatExamples), Is.EqualTo((30L, 9L)));
        var info = result.Dataset.Info;
        Assert.That((info.Counts.TrainExamples, info.Counts.ValExamples, info.SourceFormat, info.Seed), Is.EqualTo((27L, 3L, "jsonl_chat", 42UL)));
        Assert.That(File.ReadLines(Path.Combine(output, SftMixtureManifest.ConversationsFileName)).Count(), Is.EqualTo(30));
        Assert.That(SftMixtureManifest.Load(output).Sources.Select(s => s.Taken), Is.EqualTo(new[] { 21L, 9L }));

        using (var dataset = ChatDataset.Open(output))
        {
            var thinkExamples = 0;
            foreach (var split in new[] { dataset.Train, dataset.Val })
            {
                for (var i = 0; i < split.Count; i++)
                {
                    var (ids, mask) = split[i];
                    var at = Array.IndexOf(ids, 50262); // <think>
                    if (at < 0)
                        continue;
                    thinkExamples++;
                    Assert.That(ids[at - 1], Is.EqualTo(50259)); // right after <|assistant|>
                    Assert.That(mask[at], Is.EqualTo(1));
                }
            }
            Assert.That(thinkExamples, Is.EqualTo(21));
        }

        var again = await builder.BuildAsync(output);
        Assert.That(again.Dataset.Reused, Is.True);
    }

    [Test]
    public async Task ChatDatasetSource_DecodesExamplesBackToConversations()
    {
        using var dir = new ScratchDirectory();
        var built = Path.Combine(dir.Path, "chat");
        await new ChatDatasetBuilder().FromFile(ChatTestData.Path("chat", "jsonl_chat.jsonl")).WithTrainSplit(1.0).BuildAsync(built);
        var original = new ChatFileReader(ChatTestData.Path("chat", "jsonl_chat.jsonl")).Read().ToList();

        var mixture = new SftMixtureBuilder().Add(SftSource.FromChatDataset(built)).WithSeed(1).Mix();
        var decoded = mixture.Conversations.OrderBy(c => c.SourceId, StringComparer.Ordinal).ToList();
        Assert.That(decoded.Select(c => c.SourceId), Is.EqualTo(new[] { "chat/chat/train:1", "chat/chat/train:2", "chat/chat/train:3" }));
        Assert.That(decoded.Select(c => c.Turns), Is.EqualTo(original.Select(c => c.Turns)).Using<IReadOnlyList<ChatTurn>>((a, b) => a.SequenceEqual(b)));
        Assert.That(decoded[0].Turns[1], Is.EqualTo(new ChatTurn(ChatRole.Assistant, "42") { Reasoning = "12 + 30 = 42." }));

        var empty = new SftMixtureBuilder().Add(SftSource.FromChatDataset(built, "val")).Mix();
        Assert.That(empty.Manifest.Sources[0].Taken, Is.EqualTo(0));
        Assert.Throws<TrmDataException>(() => new SftMixtureBuilder().Add(SftSource.FromChatDataset(built, "test")).Mix());
    }
}
