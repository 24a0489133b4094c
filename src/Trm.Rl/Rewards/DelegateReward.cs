namespace Trm.Rl.Rewards;

/// <summary>Any user function as a reward (a reward model's score, a unit-test runner, a custom checker).</summary>
public sealed class DelegateReward : IRewardFunction
{
    private readonly Func<RewardInput, double> _score;

    /// <summary>Wraps <paramref name="score"/> under <paramref name="name"/>.</summary>
    public DelegateReward(string name, Func<RewardInput, double> score)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        _score = score ?? throw new ArgumentNullException(nameof(score));
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The function returned NaN or an infinity.</exception>
    public double Score(RewardInput input)
    {
        var value = _score(input);
        return double.IsFinite(value) ? value : throw new InvalidOperationException($"reward '{Name}' returned {value} (must be finite)");
    }
}
