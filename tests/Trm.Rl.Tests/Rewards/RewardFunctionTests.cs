using Trm.Rl.Rewards;

namespace Trm.Rl.Tests.Rewards;

public class RewardFunctionTests
{
    private static RewardInput Reply(string text, string? reference = "42") => new("t", "q", text, reference);

    [TestCase("#### 42", 1.0)]
    [TestCase("<think>6 times 7</think>#### 42", 1.0)]
    [TestCase("42", 1.0)] // the synthetic verifier takes a bare answer
    [TestCase("#### 41", 0.0)]
    public void ExactAnswer(string text, double expected) => Assert.That(ExactAnswerReward.Instance.Score(Reply(text)), Is.EqualTo(expected));

    [TestCase("#### 42", 1.0)]
    [TestCase("<think>a</think>#### x", 1.0)]
    [TestCase("<think>never closed #### 42", 0.0)]
    [TestCase("#### ", 0.0)]
    [TestCase("42", 0.0)]
    public void Format(string text, double expected) => Assert.That(FormatReward.Instance.Score(Reply(text)), Is.EqualTo(expected));

    [TestCase("#### 12 34", 1.0)]
    [TestCase("#### 1243", 0.1)]
    [TestCase("#### 12a4", 0.0)]
    [TestCase("#### 123", 0.0)]
    public void Puzzle(string text, double expected) =>
        Assert.That(new PuzzleReward(alphabet: "1234").Score(Reply(text, "1234")), Is.EqualTo(expected));

    [Test]
    public void ParsedSumWeighsItsParts()
    {
        var reward = RewardFunctions.Parse("exact+0.25*format");
        Assert.That(reward.Name, Is.EqualTo("exact+0.25*format"));
        Assert.That(reward.Score(Reply("#### 42")), Is.EqualTo(1.25));
        Assert.That(reward.Score(Reply("#### 41")), Is.EqualTo(0.25));
        Assert.That(reward.Score(Reply("41")), Is.EqualTo(0.0));
    }

    [Test]
    public void UnknownNamesAndNonFiniteDelegatesAreRefused()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => RewardFunctions.Parse("exact+bleu"))!.Message, Does.StartWith("reward 'exact+bleu': unknown reward 'bleu'"));
        var bad = new DelegateReward("bad", _ => double.NaN);
        Assert.That(Assert.Throws<InvalidOperationException>(() => bad.Score(Reply("x")))!.Message, Is.EqualTo("reward 'bad' returned NaN (must be finite)"));
    }

    [Test]
    public void RewardModelScoreIsScaledAndMustBeFinite()
    {
        var reward = new RewardModelReward(new LengthScorer(), scale: 0.5);
        Assert.That(reward.Score(Reply("four")), Is.EqualTo(2.0));
        Assert.Throws<InvalidOperationException>(() => new RewardModelReward(new LengthScorer(nan: true)).Score(Reply("x")));
    }

    /// <summary>Scores a reply by its length (or NaN).</summary>
    private sealed class LengthScorer(bool nan = false) : Trm.Rl.RewardModel.IRewardScorer
    {
        public IReadOnlyList<float> Score(IReadOnlyList<Trm.Tokenization.Chat.ChatMessage> context, IReadOnlyList<string> replies) => replies.Select(r => Score("", r)).ToArray();

        public float Score(string prompt, string reply) => nan ? float.NaN : reply.Length;
    }
}
