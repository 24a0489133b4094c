using Trm.Tokenization.Chat;

namespace Trm.Tokenization.Tests.Chat;

/// <summary>
/// Reasoning traces in think blocks, ids by hand: GPT-2 single characters "2" = 17, "+" = 10, "?" = 30, "=" = 28,
/// "4" = 19, "&lt;" = 27, "&gt;" = 29, "think" = 14925; chat tokens user 50258, assistant 50259, end 50260, think 50262/50263.
/// </summary>
public class ChatTemplateThinkTests
{
    private const int Usr = 50258, Asst = 50259, End = 50260, Think = 50262, EndThink = 50263;
    private static readonly ChatTemplate Template = ChatTemplate.Create(Gpt2Tokenizer.Create());

    [Test]
    public void Render_ReasoningTrace_IsAThinkBlockTrainedLikeTheAnswer()
    {
        var chat = Template.Render([ChatMessage.User("2+2?"), ChatMessage.Assistant("4", reasoning: "2+2=4")]);
        Assert.That(chat.Ids, Is.EqualTo(new[] { Usr, 17, 10, 17, 30, End, Asst, Think, 17, 10, 17, 28, 19, EndThink, 19, End }));
        Assert.That(chat.LossMask, Is.EqualTo(new byte[] { 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1 }));
        Assert.That(chat.TrainedTokenCount, Is.EqualTo(9));
        Assert.That(Template.Tokenizer.Decode(chat.Ids), Is.EqualTo("<|user|>2+2?<|end|><|assistant|><think>2+2=4</think>4<|end|>"));
    }

    [Test]
    public void Render_DirectAnswerAndEmptyThinkBlock()
    {
        var direct = Template.Render([ChatMessage.User("2+2?"), ChatMessage.Assistant("4")]);
        Assert.That(direct.Ids, Is.EqualTo(new[] { Usr, 17, 10, 17, 30, End, Asst, 19, End }));
        var empty = Template.Render([ChatMessage.User("2+2?"), ChatMessage.Assistant("4", reasoning: "")]);
        Assert.That(empty.Ids, Is.EqualTo(new[] { Usr, 17, 10, 17, 30, End, Asst, Think, EndThink, 19, End }));
        Assert.That(empty.LossMask, Is.EqualTo(new byte[] { 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1 }));
    }

    [Test]
    public void Render_ThinkSpelledInUserText_IsPlainText()
    {
        var chat = Template.Render([ChatMessage.User("<think>"), ChatMessage.Assistant("4")]);
        Assert.That(chat.Ids, Is.EqualTo(new[] { Usr, 27, 14925, 29, End, Asst, 19, End }));
    }

    [Test]
    public void Render_SecondTurnThinks_OnlyThatTurnHasABlock()
    {
        var chat = Template.Render([ChatMessage.User("2"), ChatMessage.Assistant("4"), ChatMessage.User("?"), ChatMessage.Assistant("4", reasoning: "=")]);
        Assert.That(chat.Ids, Is.EqualTo(new[] { Usr, 17, End, Asst, 19, End, Usr, 30, End, Asst, Think, 28, EndThink, 19, End }));
        Assert.That(chat.LossMask, Is.EqualTo(new byte[] { 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1 }));
    }

    [Test]
    public void Render_TokenTruncation_CutsInsideTheThinkBlock()
    {
        var chat = Template.Render([ChatMessage.User("2+2?"), ChatMessage.Assistant("4", reasoning: "2+2=4")], maxLength: 10, ChatTruncation.Tokens);
        Assert.That(chat.Ids, Is.EqualTo(new[] { Usr, 17, 10, 17, 30, End, Asst, Think, 17, 10 }));
        Assert.That((chat.FullLength, chat.PartialTurn, chat.MessagesKept), Is.EqualTo((16, true, 1)));
        var whole = Template.Render([ChatMessage.User("2+2?"), ChatMessage.Assistant("4", reasoning: "2+2=4")], maxLength: 15);
        Assert.That(whole.IsEmpty, Is.True);
    }

    [Test]
    public void Completion_HistoryKeepsItsThinkBlocks()
    {
        var prompt = Template.RenderForCompletion([ChatMessage.User("2"), ChatMessage.Assistant("4", reasoning: "="), ChatMessage.User("?")]);
        Assert.That(prompt.Ids, Is.EqualTo(new[] { Usr, 17, End, Asst, Think, 28, EndThink, 19, End, Usr, 30, End, Asst }));
    }

    [Test]
    public void Validate_ReasoningOnAUserTurn_Throws()
    {
        var error = Assert.Throws<ChatTemplateException>(() => Template.Render([new ChatMessage(ChatRole.User, "2") { Reasoning = "x" }, ChatMessage.Assistant("4")]));
        Assert.That(error!.TurnIndex, Is.EqualTo(0));
        Assert.That(error.Message, Does.Contain("only assistant messages may think"));
    }

    [Test]
    public void FormatText_SpellsTheThinkBlock()
    {
        Assert.That(ChatTemplate.FormatText([ChatMessage.User("q"), ChatMessage.Assistant("a", "r")], forCompletion: false),
            Is.EqualTo("<|user|>q<|end|><|assistant|><think>r</think>a<|end|>"));
    }

    [TestCase("<think>\n2+2 is 4\n</think>\n\n4", "2+2 is 4", "4")]
    [TestCase("  <think>a</think>b", "a", "b")]
    [TestCase("<think>cut short", "cut short", "")]
    [TestCase("<think></think>4", "", "4")]
    public void ThinkTrace_Split(string text, string reasoning, string answer)
        => Assert.That(ThinkTrace.Split(text), Is.EqualTo(((string?)reasoning, answer)));

    [Test]
    public void ThinkTrace_NoBlock_AnswerUnchanged()
    {
        Assert.That(ThinkTrace.Split(" 4 <think>x</think>"), Is.EqualTo(((string?)null, " 4 <think>x</think>")));
        Assert.That(ThinkTrace.Join("r", "a"), Is.EqualTo("<think>r</think>a"));
        Assert.That(ThinkTrace.Join(null, "a"), Is.EqualTo("a"));
    }
}
