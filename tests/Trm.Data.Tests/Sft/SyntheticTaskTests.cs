using Trm.Data.Sft.Tasks;
using Trm.Tokenization.Chat;

namespace Trm.Data.Tests.Sft;

public class SyntheticTaskTests
{
    [Test]
    public void Addition_ColumnByColumnSteps()
    {
        Assert.That(AdditionTask.Solve(47, 35), Is.EqualTo(new SyntheticProblem("What is 47 + 35?", "7 + 5 = 12, write 2, carry 1\n4 + 3 + 1 = 8, write 8, carry 0", "82")));
        Assert.That(AdditionTask.Solve(95, 17), Is.EqualTo(new SyntheticProblem("What is 95 + 17?", "5 + 7 = 12, write 2, carry 1\n9 + 1 + 1 = 11, write 1, carry 1\nwrite the carry 1", "112")));
        Assert.That(AdditionTask.Solve(5, 123).Reasoning, Is.EqualTo("5 + 3 = 8, write 8, carry 0\n0 + 2 = 2, write 2, carry 0\n0 + 1 = 1, write 1, carry 0"));
    }

    [Test]
    public void Reversal_SpellsForwardsAndBackwards()
        => Assert.That(ReversalTask.Solve("trm"), Is.EqualTo(new SyntheticProblem("Reverse the word 'trm'.", "spelled: t r m\nbackwards: m r t", "mrt")));

    [Test]
    public void Problems_AreDeterministicBySeedAndIndex()
    {
        var task = new AdditionTask(2, 4);
        Assert.That(task.Problem(7, 3), Is.EqualTo(task.Problem(7, 3)));
        Assert.That(task.Problems(7, 50).ToList(), Is.EqualTo(new AdditionTask(2, 4).Problems(7, 50).ToList()));
        Assert.That(task.Problems(7, 50).ToList(), Is.Not.EqualTo(task.Problems(8, 50).ToList()));
        foreach (var problem in task.Problems(7, 200))
        {
            var operands = problem.Prompt["What is ".Length..^1].Split(" + ").Select(long.Parse).ToArray();
            Assert.That(operands.All(o => o is >= 10 and <= 9999), Is.True, problem.Prompt);
            Assert.That(long.Parse(problem.Answer), Is.EqualTo(operands[0] + operands[1]));
        }
        var words = new ReversalTask(3, 5).Problems(1, 100).Select(p => p.Answer).ToList();
        Assert.That(words.All(w => w.Length is >= 3 and <= 5 && w.All(char.IsAsciiLetterLower)), Is.True);
    }

    [Test]
    public void HeldOut_IsDisjointFromTraining()
    {
        var task = new AdditionTask(1, 1); // only 100 distinct problems
        var train = task.Problems(1, 60).ToList();
        var test = task.HeldOut(2, 20, train);
        Assert.That(test, Has.Count.EqualTo(20));
        Assert.That(test.Select(p => p.Prompt).Intersect(train.Select(p => p.Prompt)), Is.Empty);
        Assert.That(test.Select(p => p.Prompt).Distinct().Count(), Is.EqualTo(20));
        Assert.Throws<InvalidOperationException>(() => task.HeldOut(2, 101, []));
    }

    [Test]
    public void Conversations_WithAndWithoutThinkSteps()
    {
        var task = new AdditionTask();
        var problem = AdditionTask.Solve(47, 35);
        var think = task.ToConversation(problem, think: true);
        Assert.That(think.Turns[0].Text, Is.EqualTo("What is 47 + 35?"));
        Assert.That((think.Turns[1].Text, think.Turns[1].Reasoning), Is.EqualTo(("#### 82", problem.Reasoning)));
        Assert.That(task.ToConversation(problem, think: false).Turns[1].Reasoning, Is.Null);
        var mixed = task.Conversations(3, 10, 0.3).ToList();
        Assert.That(mixed.Count(c => c.Turns[1].Reasoning is not null), Is.EqualTo(3));
        Assert.That(task.Conversations(3, 10, 0.5).Count(c => c.Turns[1].Reasoning is not null), Is.EqualTo(5));
        Assert.That(task.Conversations(3, 10, 1).All(c => c.Turns[1].Reasoning is not null), Is.True);
        Assert.That(mixed[4].SourceId, Is.EqualTo("addition:3:4"));
    }

    [TestCase("#### 82", "82", true)]
    [TestCase("82", "82", true)]
    [TestCase("  #### 82  \nthat is all", "82", true)]
    [TestCase("<think>7 + 5 = 12 … #### 81</think>#### 82", "82", true)]
    [TestCase("<think>never closed #### 82", "82", false)]
    [TestCase("#### 1,234", "1234", true)]
    [TestCase("#### 83", "82", false)]
    [TestCase("The answer is 82", "82", false)]
    [TestCase("", "82", false)]
    [TestCase("#### mrt", "mrt", true)]
    public void Verifier_ExactMatchOfTheFinalAnswer(string reply, string expected, bool correct)
        => Assert.That(AnswerVerifier.IsCorrect(reply, expected), Is.EqualTo(correct));

    [Test]
    public void Verifier_AccuracyAndExtraction()
    {
        Assert.That(AnswerVerifier.Accuracy(["#### 1", "#### 2", "x", "<think>a</think>#### 4"], ["1", "2", "3", "4"]), Is.EqualTo(0.75));
        Assert.That(AnswerVerifier.ExtractAnswer("<think>x</think>\n#### -3.5"), Is.EqualTo("-3.5"));
        Assert.That(SyntheticTask.Verify(ReversalTask.Solve("abc"), ThinkTrace.Join("c b a", "#### cba")), Is.True);
    }
}
