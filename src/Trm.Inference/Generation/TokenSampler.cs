namespace Trm.Inference.Generation;

/// <summary>
/// The sampling rule on one row of logits, on the CPU in double precision: temperature → top-k → top-p → draw.
/// Public so that the distribution it samples from can be checked by hand.
/// </summary>
public static class TokenSampler
{
    /// <summary>
    /// The distribution a token is drawn from: softmax(logits / temperature) restricted to the top-k logits (ties at the
    /// k-th kept) and then to the smallest set of most probable tokens whose probability reaches top-p, renormalised.
    /// Temperature 0, or logits with a NaN, give all mass to the most probable token (lowest id on ties).
    /// </summary>
    /// <param name="logits">One row of logits.</param>
    /// <param name="temperature">≥ 0.</param>
    /// <param name="topK">0 = off.</param>
    /// <param name="topP">In (0, 1]; 1 = off.</param>
    public static double[] Distribution(ReadOnlySpan<float> logits, double temperature, int topK = 0, double topP = 1.0)
    {
        var probabilities = new double[logits.Length];
        bool hasNaN = false;
        foreach (float v in logits) hasNaN |= float.IsNaN(v);
        if (temperature <= 0 || hasNaN)
        {
            probabilities[ArgMax(logits)] = 1;
            return probabilities;
        }

        double cutoff = double.NegativeInfinity;
        if (topK > 0 && topK < logits.Length)
        {
            var sorted = logits.ToArray();
            Array.Sort(sorted);
            cutoff = sorted[^topK];
        }

        double max = double.NegativeInfinity;
        foreach (float v in logits) max = Math.Max(max, v);
        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            probabilities[i] = logits[i] >= cutoff ? Math.Exp((logits[i] - max) / temperature) : 0;
            sum += probabilities[i];
        }

        for (int i = 0; i < probabilities.Length; i++) probabilities[i] /= sum;
        if (topP < 1) KeepNucleus(probabilities, topP);
        return probabilities;
    }

    /// <summary>Draws an index from <paramref name="probabilities"/> (summing to 1) with <paramref name="random"/>.</summary>
    public static int Sample(double[] probabilities, Random random)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(random);
        double u = random.NextDouble(), cumulative = 0;
        int last = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            if (probabilities[i] <= 0) continue;
            cumulative += probabilities[i];
            last = i;
            if (u < cumulative) return i;
        }

        return last; // rounding left u above the total
    }

    /// <summary>log softmax(logits)[token]: the model's log-probability of <paramref name="token"/>.</summary>
    public static float LogProbability(ReadOnlySpan<float> logits, int token)
    {
        double max = double.NegativeInfinity;
        foreach (float v in logits) max = Math.Max(max, v);
        double sum = 0;
        foreach (float v in logits) sum += Math.Exp(v - max);
        return (float)(logits[token] - max - Math.Log(sum));
    }

    /// <summary>Index of the largest logit (the first on ties; NaN never wins).</summary>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best] || float.IsNaN(logits[best])) best = i;
        }

        return best;
    }

    private static void KeepNucleus(double[] probabilities, double topP)
    {
        var order = Enumerable.Range(0, probabilities.Length).Where(i => probabilities[i] > 0)
            .OrderByDescending(i => probabilities[i]).ThenBy(i => i).ToArray();
        double cumulative = 0, kept = 0;
        var keep = new bool[probabilities.Length];
        foreach (int i in order)
        {
            if (cumulative >= topP) break;
            keep[i] = true;
            cumulative += probabilities[i];
            kept += probabilities[i];
        }

        for (int i = 0; i < probabilities.Length; i++) probabilities[i] = keep[i] ? probabilities[i] / kept : 0;
    }
}
