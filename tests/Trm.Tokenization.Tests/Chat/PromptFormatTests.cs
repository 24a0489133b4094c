using Trm.Tokenization.Chat;

namespace Trm.Tokenization.Tests.Chat;

public class PromptFormatTests
{
    private const string Prompt = "The instruction below describes a task. Write a response that carries it out.\n\n### Instruction:\nAdd 2 and 3.\n\n### Response:\n";

    // Reference encoder ids of Prompt.
    private static readonly int[] PromptIds =
        [464, 12064, 2174, 8477, 257, 4876, 13, 19430, 257, 2882, 326, 10732, 340, 503, 13, 198, 198, 21017, 46486, 25, 198, 4550, 362, 290, 513, 13, 198, 198, 21017, 18261, 25, 198];

    [Test]
    public void FormatPrompt_WithAndWithoutInput()
    {
        Assert.That(PromptFormat.Alpaca.FormatPrompt("Add 2 and 3."), Is.EqualTo(Prompt));
        Assert.That(PromptFormat.Alpaca.FormatPrompt("Add 2 and 3.", "  "), Is.EqualTo(Prompt));
        Assert.That(PromptFormat.Alpaca.FormatPrompt("Sum them.", "2, 3"), Is.EqualTo(
            "The instruction below describes a task, and the input gives its context. Write a response that carries it out.\n\n### Instruction:\nSum them.\n\n### Input:\n2, 3\n\n### Response:\n"));
    }

    [Test]
    public void Render_MasksResponseAndEndToken()
    {
        var gpt2 = Gpt2Tokenizer.Create();
        var rendered = PromptFormat.Alpaca.Render(gpt2, "Add 2 and 3.", null, "5");
        Assert.That(rendered.Ids, Is.EqualTo(PromptIds.Concat([20, 50256])));
        Assert.That(rendered.LossMask, Is.EqualTo(Enumerable.Repeat((byte)0, 32).Concat([(byte)1, (byte)1])));
        Assert.That(PromptFormat.Alpaca.RenderForCompletion(gpt2, "Add 2 and 3."), Is.EqualTo(PromptIds));
    }

    [Test]
    public void Render_Truncation()
    {
        var gpt2 = Gpt2Tokenizer.Create();
        var dropped = PromptFormat.Alpaca.Render(gpt2, "Add 2 and 3.", null, "5", maxLength: 33);
        Assert.That((dropped.IsEmpty, dropped.Truncated, dropped.FullLength), Is.EqualTo((true, true, 34)));
        var cut = PromptFormat.Alpaca.Render(gpt2, "Add 2 and 3.", null, "5", 33, ChatTruncation.Tokens);
        Assert.That(cut.Ids, Is.EqualTo(PromptIds.Append(20)));
        Assert.That((cut.PartialTurn, cut.MessagesKept, cut.LossMask[^1]), Is.EqualTo((true, 1, (byte)1)));
    }

    [Test]
    public void Render_NeedsTheEndToken()
    {
        var e = Assert.Throws<KeyNotFoundException>(() => PromptFormat.Alpaca.Render(CharTokenizer.Build("abc"), "a", null, "b"))!;
        Assert.That(e.Message, Does.Contain("<|endoftext|>"));
        var custom = PromptFormat.Alpaca with { EndToken = "<|end|>" };
        var tokenizer = CharTokenizer.Build(custom.FormatPrompt("a") + "b").WithSpecialTokens("<|end|>");
        Assert.That(custom.Render(tokenizer, "a", null, "b").Ids[^1], Is.EqualTo(tokenizer.GetSpecialTokenId("<|end|>")));
    }
}
