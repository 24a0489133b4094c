using Trm.Rl.Rewards;

namespace Trm.Rl.Tests.Rewards;

public class Gsm8kRewardTests
{
    [TestCase("Step one.\n#### 1,234", "1234")]
    [TestCase("#### -42", "-42")]
    [TestCase("#### 3.50", "3.50")]
    [TestCase("#### 1,000,000.25", "1000000.25")]
    [TestCase("so the total is\n#### 42.", "42")]
    [TestCase("#### 5 and later #### 6", "5")]
    [TestCase("<think>guess #### 7</think>\n#### 8", "8")]
    [TestCase("####   12", null)]
    [TestCase("the answer is 42", null)]
    [TestCase("####42", null)]
    [TestCase("#### abc", null)]
    [TestCase("<think>unfinished #### 7", null)]
    [TestCase("", null)]
    public void ExtractsTheNumberAfterTheMarker(string reply, string? expected) =>
        Assert.That(Gsm8kReward.ExtractAnswer(reply), Is.EqualTo(expected));

    [TestCase("#### 1,234", "1234", 1.0)]
    [TestCase("#### 1234", "#### 1,234", 1.0)]
    [TestCase("#### -7", "-7", 1.0)]
    [TestCase("#### 7", "-7", 0.0)]
    [TestCase("#### 3.50", "3.5", 0.0)] // exact string equality, as GSM8K's check
    [TestCase("the answer is 72", "72", 0.0)] // no marker, no reward
    [TestCase("Natalia sold 48/2 = 24 clips in May.\n#### 72", "Natalia sold 48+24 = 72 clips.\n#### 72", 1.0)]
    public void RewardIsExactMatch(string reply, string reference, double reward) =>
        Assert.That(Gsm8kReward.Instance.Score(new RewardInput("gsm8k", "q", reply, reference)), Is.EqualTo(reward));

    [Test]
    public void NoReferenceScoresZero() =>
        Assert.That(Gsm8kReward.Instance.Score(new RewardInput("gsm8k", "q", "#### 1", null)), Is.EqualTo(0.0));
}
