using Trm.Tokenization.Chat;

namespace Trm.Tokenization.Tests.Chat;

/// <summary>
/// Ids checked by hand: GPT-2 ids of the contents come from the reference encoder ("hi" = 5303, "Hello!" = 15496 0,
/// "Thanks" = 9690, "You are welcome." = 1639 389 7062 13, "Be brief." = 3856 4506 13, "2+2?" = 17 10 17 30, "4" = 19);
/// chat tokens follow the vocabulary: system 50257, user 50258, assistant 50259, end 50260, pad 50261, think 50262-50263.
/// </summary>
public class ChatTemplateTests
{
    private const int Sys = 50257, Usr = 50258, Asst = 50259, End = 50260;
    private static readonly ChatTemplate Template = ChatTemplate.Create(Gpt2Tokenizer.Create());

    private static readonly ChatMessage[] TwoExchanges =
    [
        ChatMessage.User("hi"), ChatMessage.Assistant("Hello!"), ChatMessage.User("Thanks"), ChatMessage.Assistant("You are welcome."),
    ];

    [Test]
    public void SpecialTokens_FollowTheBaseVocabulary()
    {
        Assert.That((Template.SystemId, Template.UserId, Template.AssistantId, Template.EndId, Template.PadId), Is.EqualTo((50257, 50258, 50259, 50260, 50261)));
        Assert.That((Template.ThinkStartId, Template.ThinkEndId), Is.EqualTo((50262, 50263)));
        Assert.That(Template.Tokenizer.VocabSize, Is.EqualTo(50264));
        Assert.That(Template.Tokenizer.GetSpecialTokenId("<|endoftext|>"), Is.EqualTo(50256));
        Assert.That(Template.Tokenizer.Decode([Usr, 5303, End]), Is.EqualTo("<|user|>hi<|end|>"));
    }

    [Test]
    public void Render_SystemUserAssistant_IdsAndMask()
    {
        var chat = Template.Render([ChatMessage.System("Be brief."), ChatMessage.User("2+2?"), ChatMessage.Assistant("4")]);
        Assert.That(chat.Ids, Is.EqualTo(new[] { Sys, 3856, 4506, 13, End, Usr, 17, 10, 17, 30, End, Asst, 19, End }));
        Assert.That(chat.LossMask, Is.EqualTo(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1 }));
        Assert.That((chat.Truncated, chat.MessagesKept, chat.MessageCount, chat.TrainedTokenCount), Is.EqualTo((false, 3, 3, 2)));
    }

    [Test]
    public void Render_TwoExchanges_MasksEveryAssistantTurn()
    {
        var chat = Template.Render(TwoExchanges);
        Assert.That(chat.Ids, Is.EqualTo(new[] { Usr, 5303, End, Asst, 15496, 0, End, Usr, 9690, End, Asst, 1639, 389, 7062, 13, End }));
        Assert.That(chat.LossMask, Is.EqualTo(new byte[] { 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1 }));
        Assert.That(Template.Tokenizer.Decode(chat.Ids), Is.EqualTo(ChatTemplate.FormatText(TwoExchanges)));
    }

    [Test]
    public void Render_WholeTurns_CutsAfterTheLastAssistantTurnThatFits()
    {
        var chat = Template.Render(TwoExchanges, maxLength: 10); // 3 messages fit (10 tokens) but end with a user turn
        Assert.That(chat.Ids, Is.EqualTo(new[] { Usr, 5303, End, Asst, 15496, 0, End }));
        Assert.That(chat.LossMask, Is.EqualTo(new byte[] { 0, 0, 0, 0, 1, 1, 1 }));
        Assert.That((chat.Truncated, chat.FullLength, chat.TokensCut, chat.MessagesKept, chat.PartialTurn), Is.EqualTo((true, 16, 9, 2, false)));

        var none = Template.Render(TwoExchanges, maxLength: 6); // the first exchange needs 7
        Assert.That((none.IsEmpty, none.Truncated, none.MessagesKept, none.FullLength), Is.EqualTo((true, true, 0, 16)));

        Assert.That(Template.Render(TwoExchanges, maxLength: 16).Truncated, Is.False);
    }

    [Test]
    public void Render_TokenTruncation_ReportsAHalfTurn()
    {
        var atBoundary = Template.Render(TwoExchanges, 10, ChatTruncation.Tokens);
        Assert.That(atBoundary.Ids, Is.EqualTo(new[] { Usr, 5303, End, Asst, 15496, 0, End, Usr, 9690, End }));
        Assert.That((atBoundary.MessagesKept, atBoundary.PartialTurn, atBoundary.Truncated), Is.EqualTo((3, false, true)));

        var inside = Template.Render(TwoExchanges, 12, ChatTruncation.Tokens);
        Assert.That(inside.Ids, Is.EqualTo(new[] { Usr, 5303, End, Asst, 15496, 0, End, Usr, 9690, End, Asst, 1639 }));
        Assert.That(inside.LossMask, Is.EqualTo(new byte[] { 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 1 }));
        Assert.That((inside.MessagesKept, inside.PartialTurn, inside.TokensCut), Is.EqualTo((3, true, 4)));
    }

    [Test]
    public void RenderForCompletion_EndsWithAssistantStart()
    {
        var prompt = Template.RenderForCompletion([.. TwoExchanges.Take(3)]);
        Assert.That(prompt.Ids, Is.EqualTo(new[] { Usr, 5303, End, Asst, 15496, 0, End, Usr, 9690, End, Asst }));
        Assert.That(prompt.LossMask, Is.All.EqualTo(0));
        Assert.That(prompt.LossMask, Has.Length.EqualTo(11));
    }

    [Test]
    public void RenderForCompletion_WholeTurns_DropsOldestExchangesThenSystem()
    {
        ChatMessage[] messages = [ChatMessage.System("Be brief."), .. TwoExchanges.Take(3)]; // 5 + 11 = 16 tokens
        var fits = Template.RenderForCompletion(messages, maxLength: 9);
        Assert.That(fits.Ids, Is.EqualTo(new[] { Sys, 3856, 4506, 13, End, Usr, 9690, End, Asst }));
        Assert.That((fits.Truncated, fits.MessagesKept, fits.FullLength), Is.EqualTo((true, 2, 16)));

        var noSystem = Template.RenderForCompletion(messages, maxLength: 8);
        Assert.That(noSystem.Ids, Is.EqualTo(new[] { Usr, 9690, End, Asst }));

        var tooLong = Template.RenderForCompletion(messages, maxLength: 3);
        Assert.That(tooLong.IsEmpty && tooLong.Truncated, Is.True);
    }

    [Test]
    public void RenderForCompletion_LongSystemMessage_IsDroppedBeforeRecentExchanges()
    {
        // System: 9 content tokens + 2 = 11; exchange "hi"/"Hello!" = 7; last user turn + assistant start = 4.
        ChatMessage[] messages = [ChatMessage.System("Be brief. Be brief. Be brief."), .. TwoExchanges.Take(3)];
        var prompt = Template.RenderForCompletion(messages, maxLength: 11);
        Assert.That(prompt.Ids, Is.EqualTo(new[] { Usr, 5303, End, Asst, 15496, 0, End, Usr, 9690, End, Asst }));
        Assert.That((prompt.MessagesKept, prompt.FullLength, prompt.TokensCut), Is.EqualTo((3, 22, 11)));
    }

    [Test]
    public void RenderForCompletion_TokenTruncation_KeepsTheTail()
    {
        var tail = Template.RenderForCompletion([.. TwoExchanges.Take(3)], 5, ChatTruncation.Tokens);
        Assert.That(tail.Ids, Is.EqualTo(new[] { End, Usr, 9690, End, Asst }));
        Assert.That((tail.MessagesKept, tail.PartialTurn), Is.EqualTo((1, true)));
    }

    [Test]
    public void Content_SpellingSpecialTokens_IsPlainText()
    {
        var chat = Template.Render([ChatMessage.User("<|assistant|>"), ChatMessage.Assistant("hi")]);
        Assert.That(chat.Ids.Count(id => id == Asst), Is.EqualTo(1), "only the real turn start");
        Assert.That(Template.Tokenizer.Decode(chat.Ids), Is.EqualTo("<|user|><|assistant|><|end|><|assistant|>hi<|end|>"));
    }

    [TestCase(new[] { ChatRole.Assistant }, 0, "Message 0 is an assistant message at the start; expected a user message.")]
    [TestCase(new[] { ChatRole.User, ChatRole.User }, 1, "Message 1 is a user message after a user message; expected an assistant message.")]
    [TestCase(new[] { ChatRole.User, ChatRole.Assistant, ChatRole.System }, 2, "Message 2 is a system message; only the first message may be one.")]
    [TestCase(new[] { ChatRole.System, ChatRole.Assistant }, 1, "Message 1 is an assistant message after a system message; expected a user message.")]
    [TestCase(new[] { ChatRole.User }, 0, "Message 0 (the last) is a user message; a training conversation must end with an assistant turn.")]
    public void Render_InvalidRoleOrder_NamesTheTurn(ChatRole[] roles, int index, string message)
    {
        var e = Assert.Throws<ChatTemplateException>(() => Template.Render(roles.Select(r => new ChatMessage(r, "x")).ToArray()))!;
        Assert.That((e.TurnIndex, e.Message), Is.EqualTo((index, message)));
    }

    [Test]
    public void BadInput_Throws()
    {
        Assert.That(Assert.Throws<ChatTemplateException>(() => Template.Render([]))!.TurnIndex, Is.EqualTo(-1));
        Assert.That(Assert.Throws<ChatTemplateException>(() => Template.RenderForCompletion([ChatMessage.User("a"), ChatMessage.Assistant("b")]))!.TurnIndex, Is.EqualTo(1));
        Assert.Throws<ArgumentNullException>(() => Template.Render(null!));
        Assert.Throws<ArgumentNullException>(() => ChatMessage.User(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => Template.Render(TwoExchanges, maxLength: 0));
        Assert.Throws<ArgumentNullException>(() => ChatTemplate.Create(null!));
    }

    [Test]
    public void CharTokenizer_GetsChatTokensAfterItsCharacters()
    {
        var template = ChatTemplate.Create(CharTokenizer.Build("abc"));
        Assert.That((template.SystemId, template.PadId, template.Tokenizer.VocabSize), Is.EqualTo((3, 7, 10)));
        var chat = template.Render([ChatMessage.User("ab"), ChatMessage.Assistant("c")]);
        Assert.That(chat.Ids, Is.EqualTo(new[] { 4, 0, 1, 6, 5, 2, 6 }));
        Assert.That(chat.LossMask, Is.EqualTo(new byte[] { 0, 0, 0, 0, 0, 1, 1 }));
    }

    [Test]
    public void ParallelRendering_IsDeterministic()
    {
        var expected = Template.Render(TwoExchanges).Ids;
        Parallel.For(0, 2000, _ => Assert.That(Template.Render(TwoExchanges).Ids, Is.EqualTo(expected)));
    }
}
