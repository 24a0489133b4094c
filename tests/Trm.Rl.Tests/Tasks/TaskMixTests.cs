using Trm.Rl.Rewards;
using Trm.Rl.Tasks;

namespace Trm.Rl.Tests.Tasks;

public class TaskMixTests
{
    [Test]
    public void WeightsAreNormalised()
    {
        var mix = TaskMix.Parse("gsm8k:0.45, math:0.20 ,mmlu_science:0.10,dolci");
        Assert.That(mix.Entries.Select(e => e.Name), Is.EqualTo(new[] { "gsm8k", "math", "mmlu_science", "dolci" }));
        Assert.That(mix.Entries.Select(e => e.Weight), Is.EqualTo(new[] { 0.45 / 1.75, 0.20 / 1.75, 0.10 / 1.75, 1.0 / 1.75 }).Within(1e-12));
        Assert.That(mix.ToString(), Is.EqualTo("gsm8k:0.2571,math:0.1143,mmlu_science:0.0571,dolci:0.5714"));
    }

    [TestCase("", "task mix: empty (write e.g. gsm8k:0.45,addition:0.55)")]
    [TestCase("gsm8k:0.5,", "task mix 'gsm8k:0.5,': an empty entry")]
    [TestCase("gsm8k:lots", "task mix 'gsm8k:lots': entry 'gsm8k:lots' has weight 'lots', not a number")]
    [TestCase(":0.5", "task mix ':0.5': entry ':0.5' has no task name")]
    [TestCase("gsm8k:-1", "task mix 'gsm8k:-1': task 'gsm8k' has weight -1 (must be a finite number ≥ 0)")]
    [TestCase("gsm8k:1,GSM8K:2", "task mix 'gsm8k:1,GSM8K:2': task 'GSM8K' appears twice")]
    [TestCase("a:0,b:0", "task mix 'a:0,b:0': the weights sum to 0")]
    public void MalformedMixesAreRefused(string spec, string message) =>
        Assert.That(Assert.Throws<FormatException>(() => TaskMix.Parse(spec))!.Message, Is.EqualTo(message));

    [Test]
    public void SamplingFollowsTheWeights()
    {
        var mix = TaskMix.Parse("a:3,b:1,c:0");
        var random = new Random(5);
        var counts = Enumerable.Range(0, 20_000).Select(_ => mix.Sample(random)).GroupBy(n => n).ToDictionary(g => g.Key, g => g.Count());
        Assert.That(counts.ContainsKey("c"), Is.False);
        Assert.That(counts["a"] / 20_000.0, Is.EqualTo(0.75).Within(0.015));
    }

    [Test]
    public void SamplerNeedsEveryTaskOfTheMix()
    {
        var task = new ConstantTask("a");
        var e = Assert.Throws<ArgumentException>(() => new MixedTaskSampler(TaskMix.Parse("a:1,b:1"), [task]))!;
        Assert.That(e.Message, Does.StartWith("task mix 'a:0.5,b:0.5': no task named 'b' (have: a)"));
        var sampler = MixedTaskSampler.Single(task);
        Assert.That(sampler.Next(new Random(1)).Task, Is.EqualTo("a"));
    }

    private sealed class ConstantTask(string name) : IRlTask
    {
        public string Name => name;

        public int Count => 1;

        public IRewardFunction Reward => ExactAnswerReward.Instance;

        public RlProblem Problem(int index) => new(name, name + ":0", "q", "1");

        public bool IsCorrect(RlProblem problem, string response) => false;
    }
}
