using Trm.Rl.Rewards;
using Trm.Rl.Tasks;

namespace Trm.Rl.Tests.Tasks;

public class ChatFileRlTaskTests
{
    [Test]
    public void Gsm8kFileGivesPromptsReferencesAndTheGsm8kReward()
    {
        var path = Path.Combine(Path.GetTempPath(), $"trm-gsm8k-{Guid.NewGuid():N}.jsonl");
        File.WriteAllText(path,
            "{\"question\":\"Natalia sold 48 clips in April and half as many in May. How many in all?\",\"answer\":\"48/2 = <<48/2=24>>24 in May.\\n48+24 = <<48+24=72>>72\\n#### 72\"}\n" +
            "{\"question\":\"What is 1,000 + 234?\",\"answer\":\"1000 + 234 = 1234\\n#### 1,234\"}\n");
        try
        {
            var task = RlTasks.Parse("gsm8k=" + path, seed: 0, count: null);
            Assert.That((task.Name, task.Count, task.Reward.Name), Is.EqualTo(("gsm8k", 2, "gsm8k")));
            var second = task.Problem(1);
            Assert.That((second.Prompt, second.Reference), Is.EqualTo(("What is 1,000 + 234?", "1234")));
            Assert.That(task.IsCorrect(second, "<think>add</think>#### 1,234"), Is.True);
            Assert.That(task.IsCorrect(second, "1234"), Is.False); // GSM8K's reward needs the marker
            Assert.That(task.Reward.Score(new RewardInput("gsm8k", second.Prompt, "#### 1234", second.Reference)), Is.EqualTo(1.0));
            Assert.That(RlTasks.Parse(path, 0, count: 1).Count, Is.EqualTo(1));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void SyntheticHeldOutProblemsAreNotTrainingProblems()
    {
        var train = RlTasks.Parse("reversal", seed: 4, count: 300);
        var heldOut = RlTasks.ParseHeldOut("reversal", seed: 4, trainCount: 300, count: 50);
        var prompts = Enumerable.Range(0, train.Count).Select(i => train.Problem(i).Prompt).ToHashSet();
        Assert.That(heldOut.Count, Is.EqualTo(50));
        Assert.That(Enumerable.Range(0, 50).Count(i => prompts.Contains(heldOut.Problem(i).Prompt)), Is.Zero);
        Assert.That(Assert.Throws<ArgumentException>(() => RlTasks.Parse("no-such-task", 0, 1))!.Message,
            Does.StartWith("task 'no-such-task': not a synthetic task (addition, reversal) and no file 'no-such-task'"));
    }
}
