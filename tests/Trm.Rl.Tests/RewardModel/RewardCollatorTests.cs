using Trm.Rl.RewardModel;
using Trm.Tokenization.Chat;

namespace Trm.Rl.Tests.RewardModel;

public class RewardCollatorTests
{
    private static readonly ChatTemplate Template = ChatTemplate.Create(TinyRewardModel.Tokenizer());

    [Test]
    public void ShortSequenceIsPrefixThenReplyThenEnd()
    {
        var collator = new RewardCollator(Template, new RewardModelOptions { MaxLength = 64, MinPrefixLength = 8 });
        var ids = collator.Encode([ChatMessage.User("hi")], ["yo"])[0];
        var expected = Template.RenderForCompletion([ChatMessage.User("hi")]).Ids.Concat(Template.Tokenizer.EncodeToIds("yo")).Append(Template.EndId);
        Assert.That(ids, Is.EqualTo(expected));
    }

    [Test]
    public void LongPrefixLosesItsStartAndLongReplyItsEnd()
    {
        // Prefix: <|user|> + 30 chars + <|end|> + <|assistant|> = 33 tokens; replies 20 chars + <|end|> = 21 and 3 + 1 = 4.
        // MaxLength 24, MinPrefixLength 10: the prefix keeps max(10, 24 - 21) = 10 tokens (its last ten), replies get 14.
        var collator = new RewardCollator(Template, new RewardModelOptions { MaxLength = 24, MinPrefixLength = 10 });
        var prompt = new string('p', 26) + "WXYZ";
        var sequences = collator.Encode([ChatMessage.User(prompt)], [new string('r', 19) + "S", "abc"]);
        var prefix = Template.RenderForCompletion([ChatMessage.User(prompt)]).Ids;
        Assert.Multiple(() =>
        {
            Assert.That(sequences[0], Has.Length.EqualTo(24));
            Assert.That(sequences[0][..10], Is.EqualTo(prefix[^10..]), "the prefix keeps its last tokens");
            Assert.That(Template.Tokenizer.Decode(sequences[0][..10]), Does.Contain("WXYZ"));
            Assert.That(Template.Tokenizer.Decode(sequences[0][10..]), Is.EqualTo(new string('r', 14)), "the reply keeps its first tokens");
            Assert.That(sequences[1], Has.Length.EqualTo(14));
            Assert.That(sequences[1][^1], Is.EqualTo(Template.EndId));
        });
    }

    [Test]
    public void GroupKeepsAtMostMaxRepliesBestFirst()
    {
        var collator = new RewardCollator(Template, new RewardModelOptions { MaxLength = 64, MaxReplies = 2, MinPrefixLength = 8 });
        var item = new Trm.Data.Oasst.RankedReplies(
            new Trm.Data.Chat.Conversation([new Trm.Data.Chat.ChatTurn(ChatRole.User, "q")], "x"),
            [new Trm.Data.Chat.ChatTurn(ChatRole.Assistant, "a") { Rank = 0 }, new Trm.Data.Chat.ChatTurn(ChatRole.Assistant, "b") { Rank = 1 }, new Trm.Data.Chat.ChatTurn(ChatRole.Assistant, "c") { Rank = 2 }]);
        var group = collator.Encode(item);
        Assert.Multiple(() =>
        {
            Assert.That(group.Ranks, Is.EqualTo(new[] { 0, 1 }));
            Assert.That(group.Sequences, Has.Count.EqualTo(2));
            Assert.That(Template.Tokenizer.Decode(group.Sequences[1][^2..^1]), Is.EqualTo("b"));
        });
    }
}
