using Trm.Data.Sft;
using Trm.Data.Sft.Tasks;
using Trm.Data.Tests.Support;

namespace Trm.Data.Tests.Sft;

public class SftRecipeTests
{
    private static SftSource Gsm8k => SftSource.FromFile(ChatTestData.Path("gsm8k", "train-200.jsonl"), name: "gsm8k");

    private static SftSource SeedTasks => SftSource.FromFile(ChatTestData.Path("alpaca-seed", "seed_tasks.jsonl"), name: "alpaca_seed");

    [TestCase("default", SftRecipe.Default)]
    [TestCase("cold_start", SftRecipe.ColdStart)]
    [TestCase("r1_ot", SftRecipe.ColdStart)]
    [TestCase("R1_OT_MIXED", SftRecipe.R1OtMixed)]
    [TestCase("r1_rs_sft", SftRecipe.R1RsSft)]
    public void Parse(string name, SftRecipe recipe) => Assert.That(SftRecipes.Parse(name), Is.EqualTo(recipe));

    [Test]
    public void Default_WorkedSolutionsAsRepliesAndChatStopped()
    {
        var m = SftRecipes.Create(SftRecipe.Default, new SftRecipeInputs { Reasoning = [Gsm8k], Chat = [SeedTasks], Stop = 50 }).Mix();
        Assert.That(m.Manifest.Recipe, Is.EqualTo("default"));
        Assert.That(m.Manifest.Sources.Select(s => (s.Name, s.Role, s.Reasoning, s.Requested, s.Taken)), Is.EqualTo(new[]
        {
            ("gsm8k", "reasoning", "plain", (long?)null, 200L),
            ("alpaca_seed", "chat", "plain", (long?)50, 50L),
        }));
        Assert.That(m.Conversations.All(c => c.Turns[1].Reasoning is null), Is.True);
        Assert.That(m.Conversations.Count(c => c.Turns[1].Text.Contains("\n#### ", StringComparison.Ordinal)), Is.EqualTo(200));
    }

    [Test]
    public void ColdStart_ReasoningOnlyWithThinkBlocks()
    {
        var m = SftRecipes.Create(SftRecipe.ColdStart, new SftRecipeInputs { Reasoning = [Gsm8k], Stop = 120 }).Mix();
        Assert.That((m.Manifest.Examples, m.Manifest.ChatExamples), Is.EqualTo((120L, 0L)));
        Assert.That(m.Conversations.All(c => c.Turns[1].Reasoning is not null && c.Turns[1].Text.StartsWith("#### ", StringComparison.Ordinal)), Is.True);
        Assert.That(Assert.Throws<TrmDataException>(() => SftRecipes.Create(SftRecipe.ColdStart, new SftRecipeInputs { Reasoning = [Gsm8k], Chat = [SeedTasks] }))!.Message,
            Is.EqualTo("recipe 'cold_start' takes no chat source (got alpaca_seed)"));
    }

    [Test]
    public void R1OtMixed_ThinkingReasoningPlusDirectChatAtTheRatio()
    {
        // ot_stop 140 at chat ratio 0.30: floor(140 × 0.3 / 0.7) = 60 chat examples
        var m = SftRecipes.Create(SftRecipe.R1OtMixed, new SftRecipeInputs { Reasoning = [Gsm8k], Chat = [SeedTasks], Stop = 140, Seed = 3 }).Mix();
        Assert.That(m.Manifest.Sources.Select(s => (s.Role, s.Requested, s.Taken)), Is.EqualTo(new[] { ("reasoning", (long?)140, 140L), ("chat", (long?)60, 60L) }));
        Assert.That((m.Manifest.Examples, m.Manifest.ChatExamples, m.Manifest.Seed), Is.EqualTo((200L, 60L, 3L)));
        Assert.That(m.Conversations.Count(c => c.Turns[^1].Reasoning is not null), Is.EqualTo(140));
        Assert.That(Assert.Throws<TrmDataException>(() => SftRecipes.Create(SftRecipe.R1OtMixed, new SftRecipeInputs { Reasoning = [Gsm8k] }))!.Message,
            Is.EqualTo("recipe 'r1_ot_mixed' needs a chat source"));
    }

    [Test]
    public void R1RsSft_ChatPartSplitTenFiveEightyFive()
    {
        using var dir = new ScratchDirectory();
        var rsPath = dir.File("rs.jsonl");
        var task = new AdditionTask();
        SftMixtureBuilder.WriteConversations(rsPath, task.Conversations(1, 14, 1.0));
        // 14 RS rows at ratio 0.30: floor(14 × 0.3 / 0.7) = 6 chat; exact shares 0.6 / 0.3 / 5.1 → 0, 0, 5, then the remainder to the largest (0.6): 1, 0, 5
        var m = SftRecipes.Create(SftRecipe.R1RsSft, new SftRecipeInputs { RejectionSampled = [SftSource.FromFile(rsPath)], Reasoning = [Gsm8k], Chat = [SeedTasks] }).Mix();
        Assert.That(m.Manifest.Sources.Select(s => (s.Name, s.Role, s.Reasoning, s.Requested, s.Taken)), Is.EqualTo(new[]
        {
            ("rs", "rs", "think", (long?)SftRecipes.DefaultRsCotStop, 14L),
            ("gsm8k:answer_only", "reasoning_answer_only", "drop", (long?)1, 1L),
            ("gsm8k:trace", "reasoning_trace", "think", (long?)0, 0L),
            ("alpaca_seed", "chat", "drop", (long?)5, 5L),
        }));
        Assert.That((m.Manifest.Examples, m.Manifest.ChatExamples), Is.EqualTo((20L, 6L)));
        var answerOnly = m.Conversations.Single(c => c.SourceId.StartsWith("gsm8k:answer_only/", StringComparison.Ordinal));
        Assert.That((answerOnly.Turns[1].Text, answerOnly.Turns[1].Reasoning), Is.EqualTo(("#### 72", (string?)null)));
        Assert.That(m.Conversations.Count(c => c.SourceId.StartsWith("rs/", StringComparison.Ordinal) && c.Turns[1].Reasoning is not null), Is.EqualTo(14));
    }
}
