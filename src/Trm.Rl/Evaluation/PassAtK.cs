namespace Trm.Rl.Evaluation;

/// <summary>
/// pass@k as nanochat's chat evaluation reports it: with n samples per problem, pass@k is the fraction of problems with
/// at least one correct sample among their first k samples, for k = 1…n.
/// </summary>
public static class PassAtK
{
    /// <summary>pass@<paramref name="k"/> of <paramref name="outcomes"/>.</summary>
    /// <param name="outcomes">For each problem, whether each of its samples (in order) is correct.</param>
    /// <param name="k">How many first samples count (at least 1).</param>
    public static double Compute(IReadOnlyList<IReadOnlyList<bool>> outcomes, int k)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        return outcomes.Count == 0 ? 0 : outcomes.Count(samples => samples.Take(k).Any(correct => correct)) / (double)outcomes.Count;
    }

    /// <summary>pass@k for k = 1…n, n the most samples any problem has (index 0 holds pass@1).</summary>
    /// <param name="outcomes">For each problem, whether each of its samples (in order) is correct.</param>
    public static double[] Curve(IReadOnlyList<IReadOnlyList<bool>> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var n = outcomes.Count == 0 ? 0 : outcomes.Max(s => s.Count);
        return Enumerable.Range(1, n).Select(k => Compute(outcomes, k)).ToArray();
    }
}
